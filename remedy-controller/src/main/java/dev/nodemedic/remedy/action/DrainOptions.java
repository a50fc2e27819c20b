package dev.nodemedic.remedy.action;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to drain.
 *
 * @param gracePeriod passed to each eviction as {@code deleteOptions.gracePeriodSeconds}; empty keeps
 *                    each pod's own {@code terminationGracePeriodSeconds}
 */
public record DrainOptions(Optional<Duration> gracePeriod) {
    public static final DrainOptions DEFAULT = new DrainOptions(Optional.empty());

    public DrainOptions {
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        gracePeriod.filter(Duration::isNegative).ifPresent(g -> {
            throw new IllegalArgumentException("drain gracePeriod must not be negative, was " + g);
        });
    }
}
