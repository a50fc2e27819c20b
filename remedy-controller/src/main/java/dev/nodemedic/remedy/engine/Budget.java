package dev.nodemedic.remedy.engine;

import java.time.Duration;
import java.util.Objects;

/** A policy's compiled budgets (see the policy reference in the module README). */
public record Budget(NodeCount maxUnhealthy, NodeCount maxInFlight, int maxPerZone, Duration minInterval,
                     Duration stormCooldown, int maxAttempts, Duration attemptWindow) {
    public Budget {
        Objects.requireNonNull(maxUnhealthy, "maxUnhealthy");
        Objects.requireNonNull(maxInFlight, "maxInFlight");
        Objects.requireNonNull(minInterval, "minInterval");
        Objects.requireNonNull(stormCooldown, "stormCooldown");
        Objects.requireNonNull(attemptWindow, "attemptWindow");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " must be at least 1");
        }
    }
}
