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
 * @param message            a sentence for people; one longer than {@link #MAX_MESSAGE_BYTES} UTF-8 bytes is cut at a
 *                           character boundary and ends in "…" (since 1.4.0)
 * @param lastTransitionTime when the status last changed
 */
public record Condition(String type, ConditionStatus status, String reason, String message, Instant lastTransitionTime) {
    /**
     * The longest message, in UTF-8 bytes, of a condition or an event (1 KiB, the Events API's limit on
     * a note). Every condition of every daemon is part of the Node object, which etcd stores whole (its
     * requests are limited to 1.5 MiB) and every node watcher downloads on each change; 64 types of
     * 1 KiB (and their few hundred bytes of type, reason, times and managed fields) stay under 7 % of it.
     *
     * @since 1.4.0
     */
    public static final int MAX_MESSAGE_BYTES = 1024;

    public Condition {
        Names.requireToken("condition type", type);
        Objects.requireNonNull(status, "status");
        Names.requireToken("reason", reason);
        Objects.requireNonNull(message, "message");
        message = Messages.bounded(message);
        Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
    }

    /** Whether status, reason and message are the same, whatever the transition times. */
    public boolean sameStateAs(Condition other) {
        return status == other.status && reason.equals(other.reason) && message.equals(other.message);
    }
}
