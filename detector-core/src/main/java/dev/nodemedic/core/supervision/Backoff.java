package dev.nodemedic.core.supervision;

import java.time.Duration;

/**
 * How long a failed daemon waits before its next start: doubling from {@code initial} up to
 * {@code max}, so a daemon broken for good costs little, and a transient fault heals fast.
 */
record Backoff(Duration initial, Duration max) {

    /** The wait after {@code consecutiveFailures} failures in a row (1 for the first). */
    Duration after(int consecutiveFailures) {
        Duration wait = initial;
        for (int i = 1; i < consecutiveFailures && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
