package dev.nodemedic.core.remote;

import java.time.Duration;
import java.time.Instant;

/** A request budget: {@code burst} at once, refilled at {@code perSecond}. Time comes from the caller. */
final class TokenBucket {
    private final double perSecond;
    private final double burst;
    private double tokens;
    private Instant last;

    TokenBucket(int perSecond, int burst, Instant now) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one token if there is one. */
    synchronized boolean take(Instant now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until the next token: what Retry-After says. */
    synchronized Duration untilNext(Instant now) {
        refill(now);
        return tokens >= 1 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9));
    }

    private void refill(Instant now) {
        if (now.isAfter(last)) {
            double seconds = Duration.between(last, now).toNanos() / 1e9;
            tokens = Math.min(burst, tokens + seconds * perSecond);
            last = now;
        }
    }
}
