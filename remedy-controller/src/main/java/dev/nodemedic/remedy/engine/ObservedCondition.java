package dev.nodemedic.remedy.engine;

import dev.nodemedic.daemon.api.ConditionStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * One NodeCondition as read from the API server. {@code lastHeartbeatTime} falls back to
 * {@code lastTransitionTime} when the writer never set it.
 */
public record ObservedCondition(String type, ConditionStatus status, String reason, Instant lastTransitionTime,
                                Instant lastHeartbeatTime) {
    public ObservedCondition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
        Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
        Objects.requireNonNull(lastHeartbeatTime, "lastHeartbeatTime");
    }
}
