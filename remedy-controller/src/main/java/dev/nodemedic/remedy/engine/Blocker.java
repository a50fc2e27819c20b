package dev.nodemedic.remedy.engine;

/** Why an unhealthy node is not acted on now. The reason names appear in status, Events and metrics. */
public enum Blocker {
    PAUSED("Paused"),
    GLOBALLY_PAUSED("GloballyPaused"),
    MAX_UNHEALTHY("MaxUnhealthy"),
    STORM_COOLDOWN("StormCooldown"),
    CLUSTER_MAX_IN_FLIGHT("ClusterMaxInFlight"),
    MAX_IN_FLIGHT("MaxInFlight"),
    MAX_PER_ZONE("MaxPerZone"),
    MIN_INTERVAL("MinInterval"),
    OTHER_POLICY("OtherPolicy"),
    /** Set by the controller, not the engine: a drain found a PodDisruptionBudget allowing no eviction. */
    POD_DISRUPTION_BUDGET("PodDisruptionBudget");

    private final String reason;

    Blocker(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
