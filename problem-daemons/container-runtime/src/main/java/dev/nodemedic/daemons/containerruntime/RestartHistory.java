package dev.nodemedic.daemons.containerruntime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The unit's restart counter as seen over the recent past, to say how many restarts fell within the
 * window. Samples older than the newest one at or before the window's start are dropped, so it holds
 * at most window/restartInterval + 2 samples. (kubelet-health counts the kubelet's restarts the same
 * way; a plugin cannot use another plugin's classes, hence this copy.)
 */
final class RestartHistory {
    private record Sample(Instant at, long count) {
    }

    private final Duration window;
    private final Deque<Sample> samples = new ArrayDeque<>();

    RestartHistory(Duration window) {
        this.window = window;
    }

    /** Records the counter read at {@code now} and returns the restarts within the window before it. */
    long observe(Instant now, long count) {
        // A counter that went down was reset (systemd re-executed, or the unit was reloaded): start over.
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
        // The baseline is the last count known before the window, or the first one seen if this daemon
        // started within it: restarts from before the agent started are not reported as recent.
        return count - samples.peekFirst().count();
    }
}
