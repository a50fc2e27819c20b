package dev.nodemedic.apiserver.events;

import java.time.Duration;
import java.util.Objects;

/**
 * The correlator's bounds. {@link #CLIENT_GO} are client-go's record package defaults, which NPD uses
 * through its event recorder and which the API server's operators already expect.
 *
 * @param aggregateAfter  distinct messages of one (source, object, type, reason) before they are combined
 * @param aggregateWindow how long a distinct message counts towards {@code aggregateAfter}
 * @param burst           API calls one (source, node) may make at once
 * @param refillEvery     the time that gives back one call
 * @param cacheEntries    entries in each LRU cache (similar messages, exact repeats, the (source, node) budgets):
 *                        client-go's 4,096 fits the agent's one node; a controller acting on more nodes sizes it to
 *                        them ({@link #withCacheEntries}), as a node's budget pushed out comes back full
 */
public record EventLimits(int aggregateAfter, Duration aggregateWindow, int burst, Duration refillEvery, int cacheEntries) {
    public static final EventLimits CLIENT_GO = new EventLimits(10, Duration.ofMinutes(10), 25, Duration.ofMinutes(5), 4096);

    public EventLimits {
        if (aggregateAfter < 2) {
            throw new IllegalArgumentException("aggregateAfter must be at least 2 distinct messages, was " + aggregateAfter);
        }
        Objects.requireNonNull(aggregateWindow, "aggregateWindow");
        Objects.requireNonNull(refillEvery, "refillEvery");
        if (aggregateWindow.isNegative() || aggregateWindow.isZero() || refillEvery.isNegative() || refillEvery.isZero()) {
            throw new IllegalArgumentException("aggregateWindow and refillEvery must be positive, were " + aggregateWindow + " and " + refillEvery);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1 call, was " + burst);
        }
        if (cacheEntries < 1) {
            throw new IllegalArgumentException("cacheEntries must be at least 1, was " + cacheEntries);
        }
    }

    /** These limits with caches of {@code entries}: a node whose budget is pushed out gets a fresh burst of writes. */
    public EventLimits withCacheEntries(int entries) {
        return new EventLimits(aggregateAfter, aggregateWindow, burst, refillEvery, entries);
    }
}
