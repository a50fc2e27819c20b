package dev.nodemedic.remedy.event;

import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.apiserver.events.EventCorrelator;
import dev.nodemedic.apiserver.events.EventLimits;
import dev.nodemedic.apiserver.events.EventMetrics;
import dev.nodemedic.apiserver.events.EventReporter;
import dev.nodemedic.apiserver.events.EventWriter;
import dev.nodemedic.apiserver.events.PendingEvents;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.scheduling.Scheduler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemedyEvents} as core/v1 Events, through the same correlator, budget and writer as the node
 * agent's (api-server): an exact repeat counts up the existing Event, the tenth distinct message of one
 * reason on one node within ten minutes starts a combined Event, and each node's Events cost at most 25
 * API calls at once and one more per five minutes (client-go's defaults). The Event is written on the
 * caller's thread before {@link #record} returns; one the API server failed waits, with at most
 * {@link #BUFFER} others, for its backoff to end (the agent's: 100 ms doubling, capped by the kind of
 * failure) and is written then by a timer on the controller's {@link Scheduler}, as the agent's writer is
 * woken on its scheduler: a failed Event does not wait for another to be recorded, which may never come.
 * A failed write is logged by the writer in api-server's words ({@code ApiFailure}) with the controller's
 * advice ({@code Caller.CONTROLLER}). In {@link Mode#DRY_RUN} nothing is written: the Event is logged as
 * it would have been.
 */
public final class RemedyEventRecorder implements RemedyEvents {
    private static final Logger log = LoggerFactory.getLogger(RemedyEventRecorder.class);
    /** Events held while the API server fails; the agent's default too. */
    static final int BUFFER = 100;
    /**
     * The nodes the controller is sized and measured for (docs/benchmarks.md, the 5,000-node simulation). Both the
     * runs of budget drops remembered for one log line per run (the controller's one source on each node) and the
     * correlator's caches hold this many: with client-go's 4,096, a node pushed out of the budgets' cache would get a
     * fresh burst of 25 Event writes. Beyond it a node's run pushed out is logged again and its budget starts full.
     */
    static final int TRACKED_NODES = 5_000;
    /** client-go's correlation and budget, with caches for {@link #TRACKED_NODES}. */
    static final EventLimits LIMITS = EventLimits.CLIENT_GO.withCacheEntries(TRACKED_NODES);

    private final Clock clock;
    private final Mode mode;
    private final Scheduler scheduler;
    private final EventCorrelator correlator;
    private final EventWriter writer;
    // Under this object's lock: the controller records on its thread and the timer fires there too, but a test records from its own.
    private Scheduler.Cancellable retry;
    private Instant retryAt;

    /**
     * @param scheduler the controller's: a failed Event is written again on its thread when its backoff ends
     * @param instance  the controller's identity ({@code POD_NAME}), the Events' {@code reportingInstance}
     */
    public RemedyEventRecorder(KubernetesClient client, Scheduler scheduler, Clock clock, Mode mode, String instance, EventMetrics metrics) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.correlator = new EventCorrelator(LIMITS);
        PendingEvents pending = new PendingEvents(BUFFER, TRACKED_NODES, Backoff.DEFAULT, RandomGenerator.getDefault());
        this.writer = new EventWriter(client, new EventReporter.Controller(instance), pending, LIMITS, metrics, clock);
    }

    @Override
    public void record(String node, RemedyReason reason, String message) {
        if (mode == Mode.DRY_RUN) {
            log.info("dry-run, event not written node={} reason={}: {}", node, reason, message);
            return;
        }
        Instant now = clock.instant();
        writer.offer(correlator.decide(node, new Event(COMPONENT, reason.severity(), reason.name(), message, now), now));
        writeDue();
    }

    /**
     * Writes what is due and sets the one timer to when the rest is: a backoff's end, or none when nothing waits.
     * Writing and setting the timer under one lock: a caller whose write found nothing left must not cancel the
     * timer another set after a failure of its own.
     */
    private synchronized void writeDue() {
        Optional<Instant> next = writer.writeDue();
        if (next.isPresent() && next.get().equals(retryAt)) {
            return;
        }
        if (retry != null) {
            retry.cancel();
            retry = null;
            retryAt = null;
        }
        if (next.isEmpty()) {
            return;
        }
        try {
            retry = scheduler.schedule(next.get(), this::retry);
            retryAt = next.get();
        } catch (RejectedExecutionException e) {
            // The term is over and its scheduler closed: a new leader writes its own Events.
            log.debug("events left unwritten at the end of the term buffered={}", writer.buffered());
        }
    }

    private synchronized void retry() {
        retry = null;
        retryAt = null;
        writeDue();
    }
}
