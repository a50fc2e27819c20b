package dev.nodemedic.core.supervision;

/** Where a daemon instance is in its life, as the status page shows it. */
public enum DaemonState {
    /** start() returned and nothing has failed since. */
    RUNNING,
    /** It failed; it starts again when its backoff is over. */
    BACKING_OFF,
    /** A remote daemon that stopped renewing its lease: it runs again when it registers again. */
    LEASE_EXPIRED,
    /** Stopped for good: its plugin was removed or the agent is shutting down. */
    STOPPED
}
