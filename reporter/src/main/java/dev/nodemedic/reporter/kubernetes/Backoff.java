package dev.nodemedic.reporter.kubernetes;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: 100 ms doubling per failure up to the failure kind's cap, then a
 * random point in the upper half of that, so a fleet of agents does not hit a returning API server
 * in step.
 */
record Backoff(Duration first) {
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100));

    Backoff {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("the first backoff step must be positive, was " + first);
        }
    }

    Duration after(int failures, Duration cap, RandomGenerator random) {
        int doublings = Math.min(Math.max(failures - 1, 0), 20);
        Duration ceiling = first.multipliedBy(1L << doublings);
        if (ceiling.compareTo(cap) > 0) {
            ceiling = cap;
        }
        long nanos = ceiling.toNanos();
        return Duration.ofNanos(nanos / 2 + random.nextLong(nanos / 2 + 1));
    }
}
