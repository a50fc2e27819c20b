package dev.nodemedic.daemons.containerruntime;

import java.time.Duration;

/** Durations in messages as config files write them: {@code 5s}, {@code 20m}, {@code 1h30m}, {@code 0.5s}. */
final class DurationText {
    private DurationText() {
    }

    static String of(Duration duration) {
        return duration.toString().substring(2).toLowerCase();
    }
}
