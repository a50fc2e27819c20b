package dev.nodemedic.daemon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened on the node, such as an OOM kill: becomes a Kubernetes Event on the Node.
 *
 * @param source    the component that saw it ({@code kernel-monitor}, or the daemon's name)
 * @param severity  INFO or WARNING
 * @param reason    UpperCamelCase, such as {@code OOMKilling}
 * @param message   a sentence for people; one longer than {@link Condition#MAX_MESSAGE_BYTES} UTF-8 bytes is cut at a
 *                  character boundary and ends in "…" (since 1.4.0)
 * @param timestamp when it happened (a log line's own time where there is one)
 */
public record Event(String source, Severity severity, String reason, String message, Instant timestamp) {
    public Event {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("event source must not be blank");
        }
        Objects.requireNonNull(severity, "severity");
        Names.requireToken("reason", reason);
        Objects.requireNonNull(message, "message");
        message = Messages.bounded(message);
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
