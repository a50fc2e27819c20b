package dev.nodemedic.remedy.policy;

/**
 * The defaults, in one place: the CRD schema's {@code default}s (annotation values) and the
 * controller's own fallback for objects that never went through an API server both read these.
 */
public final class PolicyDefaults {
    public static final String EXCLUDE_LABEL = "remedy.nodemedic.dev/exclude";
    /** Kubernetes' own duration spelling, restricted to the units that make sense here: 90s, 5m, 1h30m. */
    public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h))+$";
    public static final String CONDITION_TYPE_PATTERN = "^[A-Za-z][A-Za-z0-9]*$";
    /** Three missed heartbeats of a reporter that re-sends every 5 minutes (NPD's and ours). */
    public static final String MAX_HEARTBEAT_AGE = "15m";
    public static final String MAX_UNHEALTHY = "20%";
    public static final int MAX_IN_FLIGHT = 1;
    public static final int MAX_PER_ZONE = 1;
    public static final String MIN_INTERVAL = "5m";
    public static final String STORM_COOLDOWN = "30m";
    public static final int MAX_ATTEMPTS = 3;
    public static final String ATTEMPT_WINDOW = "24h";
    public static final String HEALTHY_FOR = "10m";
    /** A node a person cordoned is theirs: no step is taken on it unless a policy says so. */
    public static final String ACT_ON_CORDONED_NODES = "false";

    private PolicyDefaults() {
    }
}
