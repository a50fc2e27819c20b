package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConditionStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeAdoptionTest {
    private static final Instant BOOT = Instant.parse("2026-01-01T00:00:00Z");

    static NodeCondition entry(String type, String status, String reason, String message, String transition) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(transition).withLastHeartbeatTime(transition).build();
    }

    private static Node node(NodeCondition... conditions) {
        return new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().withNewStatus().withConditions(conditions).endStatus().build();
    }

    @Test
    void aProblemRaisedDuringThisBootIsAdoptedWithItsTransitionTime() {
        var adoption = NodeAdoption.of(node(entry("KernelDeadlock", "True", "DockerHung", "task docker:7 blocked (nodemedic)", "2026-01-01T00:10:00Z")), BOOT);

        var adopted = adoption.fromThisBoot().get("KernelDeadlock");
        assertThat(adopted.reason()).isEqualTo("DockerHung");
        assertThat(adopted.message()).isEqualTo("task docker:7 blocked");
        assertThat(adopted.lastTransitionTime()).isEqualTo(Instant.parse("2026-01-01T00:10:00Z"));
        assertThat(adoption.ourTypes()).containsExactly("KernelDeadlock");
    }

    @Test
    void aProblemFromBeforeTheRebootIsNotAdopted() {
        var adoption = NodeAdoption.of(node(entry("KernelDeadlock", "True", "DockerHung", "hung (nodemedic)", "2025-12-31T23:59:59Z")), BOOT);

        assertThat(adoption.fromThisBoot()).isEmpty();
        assertThat(adoption.ourTypes()).containsExactly("KernelDeadlock");
    }

    @Test
    void healthyAndUnknownConditionsFromThisBootComeWithTheirStatusAndTransitionTime() {
        var adoption = NodeAdoption.of(node(
                entry("KernelDeadlock", "False", "KernelHasNoDeadlock", "ok (nodemedic)", "2026-01-01T00:10:00Z"),
                entry("FrequentKubeletRestart", "Unknown", "DaemonFailed", "x (nodemedic)", "2026-01-01T00:11:00Z")), BOOT);

        assertThat(adoption.fromThisBoot().get("KernelDeadlock").status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(adoption.fromThisBoot().get("KernelDeadlock").lastTransitionTime()).isEqualTo(Instant.parse("2026-01-01T00:10:00Z"));
        assertThat(adoption.fromThisBoot().get("FrequentKubeletRestart").status()).isEqualTo(ConditionStatus.UNKNOWN);
    }

    @Test
    void anEntryEditedIntoSomethingMalformedIsOursButNotAdopted() {
        var adoption = NodeAdoption.of(node(
                entry("KernelDeadlock", "Maybe", "DockerHung", "hung (nodemedic)", "2026-01-01T00:10:00Z"),
                entry("ReadonlyFilesystem", "True", "Read only", "ro (nodemedic)", "2026-01-01T00:10:00Z"),
                entry("FrequentDockerRestart", "True", "TooMany", "x (nodemedic)", "yesterday")), BOOT);

        assertThat(adoption.fromThisBoot()).isEmpty();
        assertThat(adoption.ourTypes()).containsExactlyInAnyOrder("KernelDeadlock", "ReadonlyFilesystem", "FrequentDockerRestart");
    }

    @Test
    void entriesWithoutOurMarkAreNeitherAdoptedNorOurs() {
        var adoption = NodeAdoption.of(node(
                entry("Ready", "True", "KubeletReady", "kubelet is posting ready status", "2026-01-01T00:01:00Z"),
                entry("KernelDeadlock", "True", "DockerHung", "written by NPD", "2026-01-01T00:10:00Z")), BOOT);

        assertThat(adoption.fromThisBoot()).isEmpty();
        assertThat(adoption.ourTypes()).isEmpty();
    }

    @Test
    void aNodeWithoutStatusAdoptsNothing() {
        var adoption = NodeAdoption.of(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build(), BOOT);
        assertThat(adoption.fromThisBoot()).isEmpty();
        assertThat(adoption.ourTypes()).isEmpty();
    }
}
