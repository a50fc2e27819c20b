package dev.nodemedic.core.http;

import java.time.Instant;

/**
 * What the status page says about the agent itself.
 *
 * @param mode "local" (no cluster) or "cluster"
 */
public record AgentInfo(String nodeName, String version, String mode, String pluginsDir, Instant startedAt) {
}
