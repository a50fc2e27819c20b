package dev.nodemedic.daemons.kubelethealth;

import java.time.Duration;
import java.time.Instant;

/**
 * PLEG lines over time. An episode is a run of PLEG lines with no gap longer than the quiet period; it
 * persists once it has lasted {@code persistFor}, and ends when the quiet period passes without a line.
 * Only the episode's first and last line are kept, so memory does not grow with a log storm.
 */
final class PlegEpisode {
    /** What the lines seen so far say at a moment. */
    sealed interface Verdict {
        /** No PLEG line within the quiet period. */
        record Quiet() implements Verdict {
        }

        /** PLEG lines, but not yet for long enough to be more than a blip. */
        record Brief(Instant since) implements Verdict {
        }

        /** PLEG lines again and again since {@code since}, over at least {@code persistFor}. */
        record Persisting(Instant since) implements Verdict {
        }
    }

    private final Duration persistFor;
    private final Duration quietPeriod;
    private Instant first;
    private Instant last;

    PlegEpisode(Duration persistFor, Duration quietPeriod) {
        this.persistFor = persistFor;
        this.quietPeriod = quietPeriod;
    }

    void seen(Instant at) {
        if (last == null || Duration.between(last, at).compareTo(quietPeriod) > 0) {
            first = at;
        }
        if (last == null || at.isAfter(last)) {
            last = at;
        }
    }

    Verdict verdict(Instant now) {
        if (last == null || Duration.between(last, now).compareTo(quietPeriod) >= 0) {
            first = null;
            last = null;
            return new Verdict.Quiet();
        }
        if (Duration.between(first, last).compareTo(persistFor) >= 0) {
            return new Verdict.Persisting(first);
        }
        return new Verdict.Brief(first);
    }
}
