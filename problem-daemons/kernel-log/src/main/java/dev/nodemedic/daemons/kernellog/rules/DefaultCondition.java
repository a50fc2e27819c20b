package dev.nodemedic.daemons.kernellog.rules;

import dev.nodemedic.daemon.api.ConditionDeclaration;

/**
 * An entry of NPD's {@code conditions}: a condition type this instance owns and its healthy default.
 * NPD spells the healthy reason and message {@code reason} and {@code message}, so this record keeps
 * those names and becomes daemon-api's {@link ConditionDeclaration}, which checks them.
 */
public record DefaultCondition(String type, String reason, String message) {
    public DefaultCondition {
        if (message == null) {
            message = "";
        }
        // Checks type and reason (one word, not one of kubelet's types) as the agent will.
        new ConditionDeclaration(type, reason, message);
    }

    public ConditionDeclaration declaration() {
        return new ConditionDeclaration(type, reason, message);
    }
}
