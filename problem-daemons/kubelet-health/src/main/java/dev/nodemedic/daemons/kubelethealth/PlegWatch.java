package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.daemons.kubelethealth.PlegEpisode.Verdict;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Turns the kubelet's PLEG lines into an event each and, when they persist, the condition
 * {@code PLEGUnhealthy}. Lines arrive on the follower's thread, {@link #tick} on the daemon's
 * scheduler; the methods are synchronized because both change the same state.
 */
final class PlegWatch implements KubeletLogSource.Sink {
    static final String TYPE = "PLEGUnhealthy";
    /** The reason AKS's node-problem-detector gives its event for this line; the condition keeps it too, as NPD's KubeletUnhealthy does. */
    static final String REASON = "PLEGUnhealthy";
    static final String HEALTHY_REASON = "PLEGIsHealthy";
    static final String HEALTHY_MESSAGE = "the kubelet has not reported PLEG trouble";
    static final String UNAVAILABLE_REASON = "KubeletLogUnavailable";
    /**
     * How long a restarted source must keep following before an Unknown condition goes back to what the
     * lines say: a source that fails at once would otherwise flap the condition on every retry.
     */
    static final Duration SETTLE = Duration.ofSeconds(10);

    private final DaemonContext<?> context;
    private final Clock clock;
    private final PlegEpisode episode;
    private final Duration persistFor;
    private final String kubeletUnit;
    private final LongConsumer linesRead;
    private String unavailable = "";
    private Instant followingSince;

    PlegWatch(DaemonContext<?> context, PlegConfig config, String kubeletUnit, String sourceKind) {
        this.context = context;
        this.clock = context.clock();
        this.episode = new PlegEpisode(config.persistFor(), config.quietPeriod());
        this.persistFor = config.persistFor();
        this.kubeletUnit = kubeletUnit;
        // Shows the source works even while the kubelet says nothing about PLEG.
        this.linesRead = context.counter("kubelet_log_lines_read", "lines of the kubelet's log the kubelet-health instance read watching for PLEG"
                + " trouble, per source kind", Map.of("source", sourceKind));
    }

    @Override
    public synchronized void following() {
        followingSince = clock.instant();
    }

    @Override
    public synchronized void line(String line) {
        Instant now = clock.instant();
        linesRead.accept(1);
        // Any line shows the source works again, PLEG or not.
        if (!unavailable.isEmpty()) {
            available(now);
        }
        PlegLine.parse(line).ifPresent(report -> {
            episode.seen(now);
            // The condition first, then the event: whoever sees the event sees the condition it belongs to.
            report(now);
            switch (report) {
                case PlegLine.Report.Stalled stalled -> context.emit(Severity.WARNING, REASON, stalled.error());
                // Said for a moment at every kubelet start; it counts towards the condition only if it goes on.
                case PlegLine.Report.NotYetRelisted _ -> {
                }
            }
        });
    }

    @Override
    public synchronized void unavailable(String why, Duration retryIn) {
        // The follower logs the failure; this only reports it.
        followingSince = null;
        unavailable = why;
        // Zero: nothing tries again (the agent is stopping, or shares no journal), and "retrying in 0s" would say otherwise.
        String next = retryIn.isZero() ? "; not tried again until the daemon restarts" : "; retrying in " + GoDuration.formatShort(retryIn);
        context.setCondition(TYPE, ConditionStatus.UNKNOWN, UNAVAILABLE_REASON, "the kubelet's log cannot be read for PLEG trouble: " + why + next);
    }

    /** Re-evaluates at {@code now}: an episode that went quiet clears, one that lasted long enough raises. */
    synchronized void tick(Instant now) {
        if (!unavailable.isEmpty()) {
            if (followingSince == null || Duration.between(followingSince, now).compareTo(SETTLE) < 0) {
                return;
            }
            available(now);
        }
        report(now);
    }

    private void available(Instant now) {
        unavailable = "";
        context.logger().log(Level.INFO, "PLEG watch reads the kubelet log again condition={0}", TYPE);
        report(now);
    }

    private void report(Instant now) {
        if (!unavailable.isEmpty()) {
            return;
        }
        switch (episode.verdict(now)) {
            case Verdict.Persisting persisting -> context.setCondition(TYPE, ConditionStatus.TRUE, REASON,
                    // Stable for the whole episode: a message that changed with every line would be a write to the node each time.
                    "the kubelet (" + kubeletUnit + ") has reported \"PLEG is not healthy\" again and again since "
                            + persisting.since().truncatedTo(ChronoUnit.SECONDS) + ", for more than " + GoDuration.formatShort(persistFor)
                            + "; it is not syncing pods on this node, usually because the container runtime is slow or hung");
            // A blip so far is not a condition; an episode never goes from persisting back to brief, only to quiet.
            case Verdict.Brief _ -> context.setCondition(TYPE, ConditionStatus.FALSE, HEALTHY_REASON, HEALTHY_MESSAGE);
            case Verdict.Quiet _ -> context.setCondition(TYPE, ConditionStatus.FALSE, HEALTHY_REASON, HEALTHY_MESSAGE);
        }
    }
}
