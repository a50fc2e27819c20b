package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NodeStatusPatchTest {
    @Test
    void theBodyHoldsOnlyOurEntriesAndDeleteDirectivesForStaleOnes() {
        var condition = new Condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task \"docker\":7 blocked",
                Instant.parse("2026-01-01T00:00:01.900Z"));
        var patch = new NodeStatusPatch(List.of(condition), new TreeSet<>(Set.of("OldType")), Instant.parse("2026-01-01T00:05:00Z"), 3);

        assertThat(patch.json()).isEqualTo("""
                {"status":{"conditions":[\
                {"type":"KernelDeadlock","status":"True","lastHeartbeatTime":"2026-01-01T00:05:00Z",\
                "lastTransitionTime":"2026-01-01T00:00:01Z","reason":"DockerHung","message":"task \\"docker\\":7 blocked (nodemedic)"},\
                {"type":"OldType","$patch":"delete"}]}}""");
    }

    @Test
    void aTypeCannotBeWrittenAndDeletedAtOnce() {
        var condition = new Condition("KernelDeadlock", ConditionStatus.FALSE, "KernelHasNoDeadlock", "ok", Instant.EPOCH);
        assertThatThrownBy(() -> new NodeStatusPatch(List.of(condition), new TreeSet<>(Set.of("KernelDeadlock")), Instant.EPOCH, 1))
                .hasMessage("condition type KernelDeadlock is both written and deleted in one patch");
    }
}
