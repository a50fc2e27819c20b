package dev.nodemedic.remedy.engine;

import dev.nodemedic.daemon.api.ConditionStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** A compiled condition rule; {@code maxHeartbeatAge} zero means the heartbeat is not checked. */
public record Rule(String conditionType, ConditionStatus status, Duration minDuration, Optional<Pattern> reasonPattern,
                   Duration maxHeartbeatAge) {
    public Rule {
        Objects.requireNonNull(conditionType, "conditionType");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(minDuration, "minDuration");
        Objects.requireNonNull(reasonPattern, "reasonPattern");
        Objects.requireNonNull(maxHeartbeatAge, "maxHeartbeatAge");
    }

    boolean matches(ObservedCondition condition) {
        return condition.status() == status
                && reasonPattern.map(p -> p.matcher(condition.reason()).matches()).orElse(true);
    }

    boolean heartbeatFresh(ObservedCondition condition, java.time.Instant now) {
        return maxHeartbeatAge.isZero() || !condition.lastHeartbeatTime().plus(maxHeartbeatAge).isBefore(now);
    }
}
