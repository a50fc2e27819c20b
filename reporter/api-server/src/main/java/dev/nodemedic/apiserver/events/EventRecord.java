package dev.nodemedic.apiserver.events;

import dev.nodemedic.daemon.api.Severity;
import java.time.Instant;
import java.util.Objects;

/**
 * One core/v1 Event on the node as the correlator wants it on the API server, without any client
 * types: the Kubernetes exporter maps it at the edge.
 *
 * @param name           the API object's name, {@code <node>.<unix nanos in hex>} as client-go makes it
 * @param source         source component: the rule file's source or the daemon's name
 * @param node           the node, both involved object and source host
 * @param severity       becomes the event type, Normal or Warning
 * @param count          occurrences between the two timestamps, 1 the first time
 */
public record EventRecord(String name, String source, String node, Severity severity, String reason, String message, int count,
                          Instant firstTimestamp, Instant lastTimestamp) {
    public EventRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(firstTimestamp, "firstTimestamp");
        Objects.requireNonNull(lastTimestamp, "lastTimestamp");
        if (count < 1) {
            throw new IllegalArgumentException("event " + name + " count must be at least 1, was " + count);
        }
        if (lastTimestamp.isBefore(firstTimestamp)) {
            throw new IllegalArgumentException("event " + name + " lastTimestamp " + lastTimestamp + " is before firstTimestamp " + firstTimestamp);
        }
    }

    EventRecord repeated(String newMessage, Instant at) {
        Instant last = at.isAfter(lastTimestamp) ? at : lastTimestamp;
        return new EventRecord(name, source, node, severity, reason, newMessage, count + 1, firstTimestamp, last);
    }
}
