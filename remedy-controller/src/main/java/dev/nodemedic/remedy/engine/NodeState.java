package dev.nodemedic.remedy.engine;

/** Where a node stands under a policy; healthy nodes with nothing of ours on them are not listed. */
public enum NodeState {
    /** A rule matches but has not held for minDuration yet. */
    PENDING("Pending"),
    /** A rule has held long enough; the node waits for a gate or is about to be acted on. */
    UNHEALTHY("Unhealthy"),
    /** A remedy of ours is on the node and the ladder runs. */
    IN_FLIGHT("InFlight"),
    /** Healthy again, waiting out recovery.healthyFor before we undo. */
    RECOVERING("Recovering"),
    NEEDS_HUMAN("NeedsHuman"),
    /** A person cordoned the node: no step is taken on it (undo of ours aside) and it is not counted in flight. */
    HELD_BY_PERSON("HeldByPerson"),
    /** The condition's heartbeat is too old to trust (its detector is gone): neither act nor undo. */
    STALE("Stale"),
    /** The node's NodeRemedyLedger cannot be read: what was done to it is unknown, so neither act nor undo until it can. */
    LEDGER_UNREADABLE("LedgerUnreadable");

    private final String apiValue;

    NodeState(String apiValue) {
        this.apiValue = apiValue;
    }

    public String apiValue() {
        return apiValue;
    }
}
