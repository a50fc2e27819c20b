package dev.nodemedic.remedy.event;

/**
 * The reasons of the Events the controller puts on a node. They read as what happened, so
 * {@code kubectl get events --field-selector reason=RemedyBlockedByBudget} finds every refusal.
 */
public enum RemedyReason {
    RemedyTainted(Type.Normal),
    RemedyCordoned(Type.Normal),
    /** The node was already unschedulable without our mark: someone else's cordon, which we never lift. */
    RemedyCordonKept(Type.Normal),
    RemedyDrainStarted(Type.Normal),
    RemedyDrained(Type.Normal),
    /** An eviction was refused: the message names the PodDisruptionBudget. */
    RemedyDrainBlocked(Type.Warning),
    RemedyRebootRequested(Type.Warning),
    /** Recovery: our taints and cordon are taken back. */
    RemedyUndone(Type.Normal),
    /** A budget (maxUnhealthy, maxInFlight, maxPerZone, minInterval, storm cooldown) held the action back. */
    RemedyBlockedByBudget(Type.Warning),
    /** A step ran out of time and the ladder moved on. */
    RemedyEscalated(Type.Warning),
    /** A person cordoned the node: the policy takes no step on it until it is uncordoned (said once per spell). */
    RemedyHeldByPerson(Type.Normal),
    /** maxAttempts reached: the controller stops touching the node until a person looks. */
    RemedyNeedsHuman(Type.Warning),
    /** The API server refused or failed one of our writes. */
    RemedyFailed(Type.Warning);

    /** The Event's {@code type}. */
    public enum Type {
        Normal, Warning
    }

    private final Type type;

    RemedyReason(Type type) {
        this.type = type;
    }

    public Type type() {
        return type;
    }
}
