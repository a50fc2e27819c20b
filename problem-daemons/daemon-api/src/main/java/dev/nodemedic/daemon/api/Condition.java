package dev.nodemedic.daemon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of one condition type, as it shows in {@code kubectl describe node}. A condition type
 * names the problem, so {@link ConditionStatus#TRUE} means unhealthy.
 *
 * @param type               UpperCamelCase, such as {@code KernelDeadlock}
 * @param status             True, False or Unknown
 * @param reason             UpperCamelCase, such as {@code KernelHasNoDeadlock}
 * @param message            a sentence for people
 * @param lastTransitionTime when the status last changed
 */
public record Condition(String type, ConditionStatus status, String reason, String message, Instant lastTransitionTime) {
    public Condition {
        Names.requireToken("condition type", type);
        Objects.requireNonNull(status, "status");
        Names.requireToken("reason", reason);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
    }

    /** Whether status, reason and message are the same, whatever the transition times. */
    public boolean sameStateAs(Condition other) {
        return status == other.status && reason.equals(other.reason) && message.equals(other.message);
    }
}
