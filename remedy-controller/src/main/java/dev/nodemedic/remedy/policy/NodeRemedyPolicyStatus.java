package dev.nodemedic.remedy.policy;

import java.util.List;

/**
 * What the controller last saw and decided for a policy. Written whole, on the status subresource,
 * by the leader only. {@code nodes} and {@code recentActions} are bounded (see
 * {@link PolicyDefaults}); {@code nodesNotListed} says how many nodes did not fit.
 *
 * @param phase          Active, DryRun, Paused, Storm (maxUnhealthy exceeded), Cooldown, or Invalid
 * @param stormEndedAt   when the last storm ended (RFC 3339); the cooldown runs from here, and a new
 *                       leader reads it to continue the cooldown
 * @param stormStartedAt set while a storm lasts
 */
public record NodeRemedyPolicyStatus(
        Long observedGeneration,
        String phase,
        String message,
        Integer eligibleNodes,
        Integer unhealthyNodes,
        Integer inFlightNodes,
        Integer blockedNodes,
        Integer needsHumanNodes,
        String stormStartedAt,
        String stormEndedAt,
        List<NodeEntry> nodes,
        Integer nodesNotListed,
        List<ActionEntry> recentActions) {

    /**
     * One node that is not simply healthy: what the controller will (or, in dry-run, would) do next,
     * when, and what holds it back.
     *
     * @param state      Pending, Unhealthy, InFlight, Recovering, NeedsHuman, HeldByPerson, Stale, LedgerUnreadable
     * @param next       the next action (taint, cordon, drain, requestReboot, undo) or none
     * @param due        when it is due (RFC 3339), absent when it waits on something other than time
     * @param blockedBy  the gate holding it back (MaxInFlight, MaxPerZone, PodDisruptionBudget …)
     */
    public record NodeEntry(String node, String zone, String state, String next, String due, String blockedBy, String message) {
    }

    /** One thing the controller did (or in dry-run would have done), newest first. */
    public record ActionEntry(String time, String node, String action, String result, String message) {
    }
}
