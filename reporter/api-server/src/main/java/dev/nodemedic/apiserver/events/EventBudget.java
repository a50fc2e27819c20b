package dev.nodemedic.apiserver.events;

import java.time.Duration;
import java.time.Instant;

/**
 * client-go's spam filter: a token bucket per (source, node), full at {@code burst}, one token back
 * every {@code refillEvery}. A log storm then costs the API server at most {@code burst} calls and
 * one more per refill, whatever the daemon sees. Buckets live in an LRU; a forgotten one starts full,
 * as in client-go. Not thread-safe; the correlator locks.
 */
final class EventBudget {
    private static final class Bucket {
        double tokens;
        Instant updated;

        Bucket(double tokens, Instant updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    private final int burst;
    private final Duration refillEvery;
    private final LruMap<SpamKey, Bucket> buckets;

    EventBudget(int burst, Duration refillEvery, int cacheEntries) {
        this.burst = burst;
        this.refillEvery = refillEvery;
        this.buckets = new LruMap<>(cacheEntries);
    }

    /** Takes one token for {@code key} if there is one. */
    boolean tryTake(SpamKey key, Instant now) {
        Bucket bucket = buckets.get(key).orElseGet(() -> {
            Bucket full = new Bucket(burst, now);
            buckets.put(key, full);
            return full;
        });
        if (now.isAfter(bucket.updated)) {
            double refilled = (double) Duration.between(bucket.updated, now).toNanos() / refillEvery.toNanos();
            bucket.tokens = Math.min(burst, bucket.tokens + refilled);
            bucket.updated = now;
        }
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return true;
        }
        return false;
    }
}
