package dev.nodemedic.core.supervision;

import java.time.Instant;
import java.util.Optional;

/**
 * One instance as the status page and {@code /conditions} show it: a snapshot, never updated in place.
 *
 * @param since     when it entered its state
 * @param nextStart when a backing-off instance starts again
 */
public record DaemonStatus(String instanceName, String daemonName, String pluginId, String pluginVersion, DaemonState state,
        int restarts, Optional<String> lastError, Instant since, Optional<Instant> nextStart) {
}
