package dev.nodemedic.remedy.event;

import dev.nodemedic.daemon.api.Severity;

/**
 * The reasons of the Events the controller puts on a node. They read as what happened, so
 * {@code kubectl get events --field-selector reason=RemedyBlockedByBudget} finds every refusal.
 */
public enum RemedyReason {
    RemedyTainted(Severity.INFO),
    RemedyCordoned(Severity.INFO),
    /** The node was already unschedulable without our mark: someone else's cordon, which we never lift. */
    RemedyCordonKept(Severity.INFO),
    RemedyDrainStarted(Severity.INFO),
    RemedyDrained(Severity.INFO),
    /** An eviction was refused: the message names the PodDisruptionBudget. */
    RemedyDrainBlocked(Severity.WARNING),
    RemedyRebootRequested(Severity.WARNING),
    /** Recovery: our taints and cordon are taken back. */
    RemedyUndone(Severity.INFO),
    /** A budget (maxUnhealthy, maxInFlight, maxPerZone, minInterval, storm cooldown) held the action back. */
    RemedyBlockedByBudget(Severity.WARNING),
    /** A step ran out of time and the ladder moved on. */
    RemedyEscalated(Severity.WARNING),
    /** A person cordoned the node: the policy takes no step on it until it is uncordoned (said once per spell). */
    RemedyHeldByPerson(Severity.INFO),
    /** maxAttempts reached: the controller stops touching the node until a person looks. */
    RemedyNeedsHuman(Severity.WARNING),
    /** The API server refused or failed one of our writes. */
    RemedyFailed(Severity.WARNING);

    private final Severity severity;

    RemedyReason(Severity severity) {
        this.severity = severity;
    }

    /** Becomes the Event's {@code type}: INFO is Normal, WARNING is Warning. */
    public Severity severity() {
        return severity;
    }
}
