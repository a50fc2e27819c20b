package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.events.EventLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Kubernetes exporter behaves on one node.
 *
 * @param node        the Node object's name
 * @param bootTime    when the node booted: conditions set before it are not adopted
 * @param heartbeat   how often an unchanged book is written again as {@code lastHeartbeatTime};
 *                    NPD's default is 5 minutes, which keeps a steady node at 12 writes an hour
 * @param debounce    the longest a change waits so that a burst of changes becomes one write
 * @param eventBuffer events held while the API server is away; more are dropped and counted
 * @param eventLimits aggregation and the per-(source, node) budget
 * @param maxIdle     the longest the writers sleep before looking at the clock again, so a clock
 *                    step (or a test's manual clock) is noticed
 */
public record KubernetesSettings(String node, BootTime bootTime, Duration heartbeat, Duration debounce, int eventBuffer, EventLimits eventLimits,
                                 Duration maxIdle) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);
    public static final int DEFAULT_EVENT_BUFFER = 100;

    public KubernetesSettings {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(bootTime, "bootTime");
        Objects.requireNonNull(eventLimits, "eventLimits");
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("heartbeat must be at least 1s, was " + heartbeat);
        }
        if (debounce.isNegative() || debounce.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("debounce must be between 0 and 1s (changes must reach the node promptly), was " + debounce);
        }
        if (eventBuffer < 1) {
            throw new IllegalArgumentException("eventBuffer must hold at least 1 event, was " + eventBuffer);
        }
        if (maxIdle.isNegative() || maxIdle.isZero()) {
            throw new IllegalArgumentException("maxIdle must be positive, was " + maxIdle);
        }
    }

    /** NPD's and client-go's defaults: heartbeat 5 min, debounce 200 ms, 100 buffered events, burst 25, one per 5 min. */
    public static KubernetesSettings defaults(String node, BootTime bootTime) {
        return new KubernetesSettings(node, bootTime, DEFAULT_HEARTBEAT, DEFAULT_DEBOUNCE, DEFAULT_EVENT_BUFFER, EventLimits.CLIENT_GO, Duration.ofSeconds(1));
    }

    public KubernetesSettings withHeartbeat(Duration every) {
        return new KubernetesSettings(node, bootTime, every, debounce, eventBuffer, eventLimits, maxIdle);
    }

    public KubernetesSettings withEventLimits(EventLimits limits) {
        return new KubernetesSettings(node, bootTime, heartbeat, debounce, eventBuffer, limits, maxIdle);
    }

    public KubernetesSettings withEventBuffer(int events) {
        return new KubernetesSettings(node, bootTime, heartbeat, debounce, events, eventLimits, maxIdle);
    }

    public KubernetesSettings withMaxIdle(Duration idle) {
        return new KubernetesSettings(node, bootTime, heartbeat, debounce, eventBuffer, eventLimits, idle);
    }
}
