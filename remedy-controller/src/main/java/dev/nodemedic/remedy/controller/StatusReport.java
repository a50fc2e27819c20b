package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.engine.Evaluation;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.engine.PolicyMemory;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.ActionEntry;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Builds a policy's status from one pass. */
final class StatusReport {
    /**
     * Nodes listed per policy. A status lives in etcd beside the object (1.5 MB at most) and is read
     * by people: in a storm the first {@value} say what is happening, the rest are counted.
     */
    static final int NODES_LIMIT = 50;

    /** The order nodes are listed in: what needs attention first. */
    private static final Map<String, Integer> PRIORITY = Map.of("LedgerUnreadable", 0, "NeedsHuman", 1, "HeldByPerson", 2, "InFlight", 3,
            "Recovering", 4, "Unhealthy", 5, "Pending", 6, "Stale", 7);

    static NodeRemedyPolicyStatus of(long generation, Evaluation evaluation, List<NodeEntry> nodes, List<ActionEntry> recent) {
        List<NodeEntry> sorted = nodes.stream()
                .sorted(Comparator.comparing((NodeEntry n) -> PRIORITY.getOrDefault(n.state(), 9)).thenComparing(NodeEntry::node))
                .toList();
        List<NodeEntry> listed = sorted.size() > NODES_LIMIT ? sorted.subList(0, NODES_LIMIT) : sorted;
        PolicyMemory memory = evaluation.memory();
        return new NodeRemedyPolicyStatus(generation, evaluation.phase().apiValue(), evaluation.message(), evaluation.eligibleNodes(),
                evaluation.unhealthyNodes(), evaluation.inFlightNodes(), evaluation.blockedNodes(), evaluation.needsHumanNodes(),
                text(memory.stormStartedAt()), text(memory.stormEndedAt()), List.copyOf(listed), sorted.size() - listed.size(), recent);
    }

    /** One node's line; an empty zone, next action or gate and an absent due time are left out of the status. */
    static NodeEntry node(String node, String zone, NodeState state, String next, Optional<Instant> due, String blockedBy, String message) {
        return new NodeEntry(node, zone.isEmpty() ? null : zone, state.apiValue(), next.isEmpty() ? null : next,
                text(due), blockedBy.isEmpty() ? null : blockedBy, Objects.requireNonNullElse(message, ""));
    }

    static NodeRemedyPolicyStatus invalid(long generation, String message, List<ActionEntry> recent, PolicyMemory memory) {
        return new NodeRemedyPolicyStatus(generation, "Invalid", message, null, null, null, null, null,
                text(memory.stormStartedAt()), text(memory.stormEndedAt()), List.of(), 0, recent);
    }

    static PolicyMemory memory(NodeRemedyPolicyStatus status) {
        if (status == null) {
            return PolicyMemory.NONE;
        }
        return new PolicyMemory(instant(status.stormStartedAt()), instant(status.stormEndedAt()));
    }

    private static String text(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.ofNullable(text).map(Instant::parse);
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private StatusReport() {
    }
}
