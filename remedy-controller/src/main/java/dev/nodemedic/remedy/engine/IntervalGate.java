package dev.nodemedic.remedy.engine;

import dev.nodemedic.daemon.api.GoDuration;
import java.time.Instant;
import java.util.Optional;

/** minInterval: the rate limit between starting remedies on two nodes. */
final class IntervalGate implements Gate {
    @Override
    public Optional<Blocked> admit(String zone, Tally tally) {
        if (tally.lastAdmission().isEmpty()) {
            return Optional.empty();
        }
        Instant next = tally.lastAdmission().get().plus(tally.policy.budget().minInterval());
        if (!next.isAfter(tally.now)) {
            return Optional.empty();
        }
        return Optional.of(Blocked.until(Blocker.MIN_INTERVAL, "the last remedy started at " + tally.lastAdmission().get()
                + ", minInterval is " + GoDuration.formatShort(tally.policy.budget().minInterval()), next));
    }
}
