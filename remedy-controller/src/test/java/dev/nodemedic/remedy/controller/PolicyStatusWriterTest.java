package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyStatusWriterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final List<NodeRemedyPolicyStatus> written = new ArrayList<>();
    private Optional<String> failure = Optional.empty();
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

    @Test
    void aFailedWriteIsTriedAgainAfterTheFirstBackoff() {
        PolicyStatusWriter writer = new PolicyStatusWriter(store, "kernel", null);
        failure = Optional.of("HTTP 500");

        assertThat(writer.write(status("first"), T0)).contains(T0.plus(NodeBackoff.FIRST));

        failure = Optional.empty();
        assertThat(writer.write(status("first"), T0.plus(NodeBackoff.FIRST))).isEmpty();
        assertThat(written).containsExactly(status("first"));
    }
}
