package dev.nodemedic.daemons.diskpressure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;

/**
 * How fast something grows (bytes or inodes used), from the samples of a sliding window, by the
 * Theil–Sen estimator: the median of the slopes between every pair of samples. A one-off spike (a
 * large file written and deleted between two looks) is one sample and moves the median by at most
 * one place, where a least-squares line or a first-to-last difference would follow it.
 */
final class GrowthTrend {
    /**
     * Samples kept at most: one per window/120 (30 s in an hour) is plenty for a rate, and the estimate
     * costs n²/2 slopes, 7140 here, per look.
     */
    static final int MAX_SAMPLES = 120;
    /** Fewer samples than this give no rate: a prediction from three looks would be a guess. */
    static final int MIN_SAMPLES = 6;

    private record Sample(Instant at, long value) {
    }

    private final Duration window;
    private final Duration spacing;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    GrowthTrend(Duration window) {
        this.window = window;
        this.spacing = window.dividedBy(MAX_SAMPLES);
    }

    /** Adds a look, dropping looks older than the window; a look sooner than window/120 after the last is skipped. */
    void add(Instant at, long value) {
        if (!samples.isEmpty() && Duration.between(samples.peekLast().at(), at).compareTo(spacing) < 0) {
            return;
        }
        samples.addLast(new Sample(at, value));
        Instant oldest = at.minus(window);
        while (samples.peekFirst().at().isBefore(oldest) || samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /**
     * Growth per second, when the window holds enough samples spread over at least a quarter of it:
     * a rate from the last two minutes would turn every image pull into an alarm.
     */
    Optional<Double> perSecond() {
        if (samples.size() < MIN_SAMPLES || Duration.between(samples.peekFirst().at(), samples.peekLast().at()).compareTo(window.dividedBy(4)) < 0) {
            return Optional.empty();
        }
        Sample[] s = samples.toArray(Sample[]::new);
        double[] slopes = new double[s.length * (s.length - 1) / 2];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = i + 1; j < s.length; j++) {
                double seconds = Duration.between(s[i].at(), s[j].at()).toMillis() / 1000.0;
                slopes[k++] = (s[j].value() - s[i].value()) / seconds;
            }
        }
        Arrays.sort(slopes, 0, k);
        double median = k % 2 == 1 ? slopes[k / 2] : (slopes[k / 2 - 1] + slopes[k / 2]) / 2;
        return Optional.of(median);
    }

    /** A prediction further out than this (about a century) says nothing more, and keeps the arithmetic in range. */
    private static final double MAX_SECONDS = 3.2e9;

    /** When {@code remaining} runs out at the current rate, to the second; empty when it does not grow. */
    Optional<Duration> timeUntilFull(long remaining) {
        return perSecond().filter(rate -> rate > 0).map(rate -> Duration.ofSeconds(Math.round(Math.min(remaining / rate, MAX_SECONDS))));
    }

    int size() {
        return samples.size();
    }
}
