package dev.nodemedic.apiserver.events;

import dev.nodemedic.daemon.api.Severity;
import java.util.Objects;

/**
 * Events that are "similar" in client-go's sense: same source, object, type and reason, any message.
 * From the tenth distinct message within the window they are sent as one combined event.
 */
record AggregateKey(String source, String node, Severity severity, String reason) {
    AggregateKey {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(reason, "reason");
    }
}
