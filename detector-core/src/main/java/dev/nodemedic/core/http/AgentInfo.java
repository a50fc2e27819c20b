package dev.nodemedic.core.http;

import java.time.Instant;

/**
 * What the status page says about the agent itself.
 *
 * @param mode         "local" (no cluster) or "cluster"
 * @param reportSocket where remote daemons report; empty when the report socket is off
 */
public record AgentInfo(String nodeName, String version, String mode, String pluginsDir, String reportSocket, Instant startedAt) {
}
