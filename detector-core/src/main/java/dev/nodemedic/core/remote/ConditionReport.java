package dev.nodemedic.core.remote;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import java.time.Instant;
import java.util.Set;

/** A remote daemon's report of one of its conditions, validated as the book will hold it. */
record ConditionReport(ConditionStatus status, String reason, String message) {
    private static final Set<String> FIELDS = Set.of("status", "reason", "message");

    static ConditionReport from(String type, String body) throws RequestRefused {
        BodyFields fields = BodyFields.parse(body, FIELDS);
        String statusText = fields.requiredString("status", "True, False or Unknown");
        ConditionStatus status;
        try {
            status = ConditionStatus.fromApiValue(statusText);
        } catch (IllegalArgumentException e) {
            throw RequestRefused.invalid(fields.field("status"), "\"" + statusText + "\" is not a condition status; expected True (the problem is"
                    + " there), False (it is not) or Unknown");
        }
        String reason = ConditionNames.requireReason(fields.field("reason"), fields.requiredString("reason", "one UpperCamelCase word such as XidError"));
        // Longer than Condition.MAX_MESSAGE_BYTES, the message is cut (ending in "…") where the book takes it.
        String message = fields.optionalString("message", "a sentence for people").orElse("");
        try {
            // The record the book will hold checks the reason exactly as it does for plugin daemons.
            new Condition(type, status, reason, message, Instant.EPOCH);
        } catch (IllegalArgumentException e) {
            throw RequestRefused.invalid(e.getMessage().startsWith("reason") ? fields.field("reason") : "type", e.getMessage());
        }
        return new ConditionReport(status, reason, message);
    }
}
