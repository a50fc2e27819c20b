package dev.nodemedic.core.remote;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.Severity;
import java.time.Instant;
import java.util.Set;

/** A remote daemon's event, validated: {@code type} is the Kubernetes Event's ({@code Normal} or {@code Warning}). */
record EventReport(Severity severity, String reason, String message, String source) {
    private static final Set<String> FIELDS = Set.of("type", "reason", "message", "source");

    static EventReport from(String daemon, String body) throws RequestRefused {
        BodyFields fields = BodyFields.parse(body, FIELDS);
        String type = fields.optionalString("type", "Normal or Warning").orElse("Warning");
        Severity severity = switch (type) {
            case "Normal" -> Severity.INFO;
            case "Warning" -> Severity.WARNING;
            default -> throw RequestRefused.invalid(fields.field("type"), "\"" + type + "\" is not an event type; expected Normal or Warning (the default)");
        };
        String reason = ConditionNames.requireReason(fields.field("reason"), fields.requiredString("reason", "one UpperCamelCase word such as XidError"));
        // Longer than Condition.MAX_MESSAGE_BYTES, the message is cut (ending in "…") by the Event record.
        String message = fields.requiredString("message", "a sentence for people");
        String source = fields.optionalString("source", "the component that saw it, such as gpu-monitor").orElse(daemon);
        if (source.isBlank() || source.length() > 63 || source.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw RequestRefused.invalid(fields.field("source"), "expected one word of at most 63 printable ASCII characters, such as gpu-monitor"
                    + " (default: the daemon's name)");
        }
        try {
            new Event(source, severity, reason, message, Instant.EPOCH);
        } catch (IllegalArgumentException e) {
            throw RequestRefused.invalid(fields.field("reason"), e.getMessage());
        }
        return new EventReport(severity, reason, message, source);
    }

    Event at(Instant timestamp) {
        return new Event(source, severity, reason, message, timestamp);
    }
}
