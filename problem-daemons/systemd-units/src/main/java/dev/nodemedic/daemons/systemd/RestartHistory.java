package dev.nodemedic.daemons.systemd;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * A unit's restart counter as seen over the recent past, to say how many restarts fell within the
 * window (NPD's FrequentKubeletRestart and FrequentContainerdRestart: so many restarts in 20 minutes).
 * Samples older than the newest one at or before the window's start are dropped, so it holds at most
 * window/interval + 2 samples. Not thread-safe: one daemon's scheduled check owns it.
 */
public final class RestartHistory {
    private record Sample(Instant at, long count) {
    }

    private final Duration window;
    private final Deque<Sample> samples = new ArrayDeque<>();

    public RestartHistory(Duration window) {
        this.window = Objects.requireNonNull(window, "window");
        if (!window.isPositive()) {
            throw new IllegalArgumentException("the restart window is " + window + "; it must be positive");
        }
    }

    /** Records the counter read at {@code now} and returns the restarts within the window before it. */
    public long observe(Instant now, long count) {
        // A counter that went down was reset (the unit was reloaded or systemd re-executed): start over.
        if (!samples.isEmpty() && count < samples.peekLast().count()) {
            samples.clear();
        }
        samples.addLast(new Sample(now, count));
        Instant start = now.minus(window);
        while (samples.size() > 1) {
            Sample oldest = samples.removeFirst();
            if (samples.peekFirst().at().isAfter(start)) {
                samples.addFirst(oldest);
                break;
            }
        }
        // The baseline is the last count known before the window, or the first one seen if the daemon
        // started within it: restarts from before the agent started are not reported as recent.
        return count - samples.peekFirst().count();
    }
}
