package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.engine.Evaluation;
import dev.nodemedic.remedy.engine.PolicyMemory;
import dev.nodemedic.remedy.engine.PolicyPhase;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.ActionEntry;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReportTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aStormListsTheNodesThatNeedAttentionFirstAndCountsTheRest() {
        List<NodeEntry> entries = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            entries.add(new NodeEntry(String.format("node-%02d", i), null, "Unhealthy", "cordon", null, "MaxUnhealthy", "held"));
        }
        entries.add(new NodeEntry("node-zz", null, "NeedsHuman", null, null, null, "gave up"));
        entries.add(new NodeEntry("node-yy", null, "InFlight", "drain", T0.toString(), null, "cordoned"));
        Evaluation evaluation = new Evaluation("kernel", T0, PolicyPhase.STORM, "storm", List.of(), 100, 72, 2, 70, 1,
                new PolicyMemory(Optional.of(T0), Optional.empty()), Optional.empty());

        NodeRemedyPolicyStatus status = StatusReport.of(3, evaluation, entries, List.of());

        assertThat(status.nodes()).hasSize(StatusReport.NODES_LIMIT);
        assertThat(status.nodesNotListed()).isEqualTo(72 - StatusReport.NODES_LIMIT);
        assertThat(status.nodes()).extracting(NodeEntry::node).startsWith("node-zz", "node-yy", "node-00");
        assertThat(status.phase()).isEqualTo("Storm");
        assertThat(status.stormStartedAt()).isEqualTo(T0.toString());
        assertThat(status.observedGeneration()).isEqualTo(3L);
        assertThat(StatusReport.memory(status)).isEqualTo(evaluation.memory());
    }

    @Test
    void recentActionsKeepTheNewestWithinTheBound() {
        RecentActions recent = new RecentActions(List.of(new ActionEntry(T0.toString(), "restored", "cordon", "applied", "from the last leader")));
        for (int i = 0; i < RecentActions.LIMIT + 5; i++) {
            recent.add(new ActionEntry(T0.plusSeconds(i).toString(), "node-" + i, "cordon", "applied", ""));
        }

        assertThat(recent.list()).hasSize(RecentActions.LIMIT);
        assertThat(recent.list().getFirst().node()).isEqualTo("node-" + (RecentActions.LIMIT + 4));
        assertThat(recent.list()).extracting(ActionEntry::node).doesNotContain("restored", "node-0");
    }
}
