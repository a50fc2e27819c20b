package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.logging.CapturedLog;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyStatusWriterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final List<NodeRemedyPolicyStatus> written = new ArrayList<>();
    private Optional<ApiFailure> failure = Optional.empty();
    private final StatusStore store = (policy, status) -> {
        if (failure.isEmpty()) {
            written.add(status);
        }
        return failure;
    };

    private static NodeRemedyPolicyStatus status(String message) {
        return new NodeRemedyPolicyStatus(1L, "Active", message, 1, 0, 0, 0, 0, null, null, List.of(), 0, List.of());
    }

    @Test
    void theStatusThePolicyAlreadyCarriesIsNotWrittenAgain() {
        PolicyStatusWriter writer = new PolicyStatusWriter(store, "kernel", status("1 node"));

        assertThat(writer.write(status("1 node"), T0)).isEmpty();
        assertThat(written).isEmpty();
    }

    @Test
    void aSecondChangeWithinTheIntervalWaitsForItsEndAndTheLastChangeIsWritten() {
        PolicyStatusWriter writer = new PolicyStatusWriter(store, "kernel", null);
        assertThat(writer.write(status("first"), T0)).isEmpty();

        assertThat(writer.write(status("second"), T0.plusSeconds(1))).contains(T0.plus(PolicyStatusWriter.INTERVAL));
        assertThat(writer.write(status("third"), T0.plusMillis(1500))).contains(T0.plus(PolicyStatusWriter.INTERVAL));
        assertThat(written).containsExactly(status("first"));

        assertThat(writer.write(status("third"), T0.plus(PolicyStatusWriter.INTERVAL))).isEmpty();
        assertThat(written).containsExactly(status("first"), status("third"));
    }

    private static ApiFailure answered(int code, String message) {
        return ApiFailure.of(new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build()));
    }

    @Test
    void aFailedWriteIsTriedAgainAfterTheBackoffNotAtTheNextPass() {
        PolicyStatusWriter writer = new PolicyStatusWriter(store, "kernel", null);
        failure = Optional.of(answered(500, "etcdserver: leader changed"));

        assertThat(writer.write(status("first"), T0)).contains(T0.plusSeconds(10));
        assertThat(writer.write(status("second"), T0.plusSeconds(3))).as("a pass within the backoff writes nothing").contains(T0.plusSeconds(10));
        assertThat(writer.write(status("second"), T0.plusSeconds(10))).as("the wait doubles").contains(T0.plusSeconds(30));

        failure = Optional.empty();
        assertThat(writer.write(status("second"), T0.plusSeconds(30))).isEmpty();
        assertThat(written).containsExactly(status("second"));
    }

    @Test
    void aRunOfFailuresIsOneLineInTheApiServersWordsThenOneWhenItEnds() {
        PolicyStatusWriter writer = new PolicyStatusWriter(store, "kernel", null);
        try (CapturedLog log = new CapturedLog("dev.nodemedic.remedy.controller")) {
            failure = Optional.of(answered(403, "noderemedypolicies.remedy.nodemedic.dev \"kernel\" is forbidden"));
            Instant now = T0;
            for (int pass = 0; pass < 4; pass++) {
                now = writer.write(status("pass " + pass), now).orElseThrow();
            }
            assertThat(log.lines()).singleElement().asString().isEqualTo("WARNING policy status not written policy=kernel code=403 next=" + T0.plusSeconds(10)
                    + ": patch noderemedypolicies/kernel/status failed (403): noderemedypolicies.remedy.nodemedic.dev \"kernel\" is forbidden;"
                    + " the controller's ClusterRole lacks this verb (see the remedy controller's README, RBAC); tried again with backoff up to every 300s");

            failure = Optional.of(answered(500, "etcdserver: leader changed"));
            now = writer.write(status("a new kind of failure"), now).orElseThrow();
            failure = Optional.empty();
            assertThat(writer.write(status("written"), now)).isEmpty();

            assertThat(log.lines()).hasSize(3);
            assertThat(log.lines().get(1)).as("a new kind of failure is news").startsWith("WARNING policy status not written policy=kernel code=500");
            assertThat(log.lines().get(2)).isEqualTo("INFO policy status written again policy=kernel was=SERVER_ERROR failures=5");
        }
    }
}
