package dev.nodemedic.remedy.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One pass of the engine over one policy: a decision for every node that is not simply healthy,
 * the counts for the status, the memory to keep, and when the engine next wants to look
 * ({@code nextDue}: the earliest time a decision would change by time alone).
 */
public record Evaluation(String policy, Instant at, PolicyPhase phase, String message, List<NodeDecision> decisions,
                         int eligibleNodes, int unhealthyNodes, int inFlightNodes, int blockedNodes, int needsHumanNodes,
                         PolicyMemory memory, Optional<Instant> nextDue) {
    public Evaluation {
        decisions = List.copyOf(decisions);
    }
}
