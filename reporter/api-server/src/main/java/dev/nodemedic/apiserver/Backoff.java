package dev.nodemedic.apiserver;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: {@code first} doubling per failure up to a cap, then a random point
 * in the upper half of that, so that many callers (a fleet of agents at a returning API server, drains
 * held back by one PodDisruptionBudget) do not retry in step.
 *
 * @param first the ceiling after the first failure
 */
public record Backoff(Duration first) {
    /** The agent's writes: a returning API server sees the latest truth within a fraction of a second. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100));

    public Backoff {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("the first backoff step must be positive, was " + first);
        }
    }

    /**
     * The pause after {@code failures} failures in a row (1 after the first).
     *
     * @param cap the ceiling never exceeded, however many failures
     */
    public Duration after(int failures, Duration cap, RandomGenerator random) {
        long nanos = ceiling(failures, cap).toNanos();
        return Duration.ofNanos(nanos / 2 + random.nextLong(nanos / 2 + 1));
    }

    /**
     * The pause after {@code failures} failures in a row without jitter: {@code first} doubled per failure after
     * the first, up to {@code cap}. For one caller whose retries falling due together is the point, as the remedy
     * controller's nodes are retried in one pass on its one thread.
     */
    public Duration ceiling(int failures, Duration cap) {
        // 2^20 times any sensible first step is past any sensible cap; the bound keeps the shift from overflowing.
        int doublings = Math.min(Math.max(failures - 1, 0), 20);
        Duration ceiling = first.multipliedBy(1L << doublings);
        return ceiling.compareTo(cap) > 0 ? cap : ceiling;
    }
}
