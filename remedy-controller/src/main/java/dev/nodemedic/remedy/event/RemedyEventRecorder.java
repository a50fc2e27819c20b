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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemedyEvents} as core/v1 Events, through the same correlator, budget and writer as the node
 * agent's (api-server): an exact repeat counts up the existing Event, the tenth distinct message of one
 * reason on one node within ten minutes starts a combined Event, and each node's Events cost at most 25
 * API calls at once and one more per five minutes (client-go's defaults). {@link #record} only correlates
 * and queues: the Event is written on a thread of its own (the {@link Scheduler} given, never the passes'),
 * as an Event the API server is slow to take holds its thread up to the request timeout (10 s), and a pass
 * held there would leave the node it just cordoned without its ledger and every other decision late; Events
 * are best-effort, a cordon is not. One the API server failed waits, with at most {@link #BUFFER} others, for
 * its backoff to end (the agent's: 100 ms doubling, capped by the kind of failure) and is written then by that
 * scheduler's timer, as the agent's writer is woken on its scheduler: a failed Event does not wait for another
 * to be recorded, which may never come.
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
    private final AtomicBoolean writeQueued = new AtomicBoolean();
    // Touched on the scheduler's thread only: the writes queued by record and the timer both run there.
    private Scheduler.Cancellable retry;
    private Instant retryAt;

    /**
     * @param scheduler the Events' own thread and timer, not the passes': every Event is written there, a failed one
     *                  again when its backoff ends
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
        if (writer.offer(correlator.decide(node, new Event(COMPONENT, reason.severity(), reason.name(), message, now), now))) {
            requestWrite();
        }
    }

    /** Queues one write on the scheduler's thread; Events recorded while one is queued share it. */
    private void requestWrite() {
        if (!writeQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                writeQueued.set(false);
                writeDue();
            });
        } catch (RejectedExecutionException e) {
            writeQueued.set(false);
            // The term is over and its scheduler closed: a new leader writes its own Events.
            log.debug("events left unwritten at the end of the term buffered={}", writer.buffered());
        }
    }

    /**
     * Writes what is due and sets the one timer to when the rest is: a backoff's end, or none when nothing waits.
     * On the scheduler's one thread only: a write that found nothing left must not cancel the timer another set
     * after a failure of its own.
     */
    private void writeDue() {
        Optional<Instant> next;
        try {
            next = writer.writeDue();
        } catch (RuntimeException e) {
            // A task of the scheduler's executor keeps what it throws in its future, where nobody looks: said here.
            log.error("remedy event write failed buffered={}", writer.buffered(), e);
            return;
        }
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

    private void retry() {
        retry = null;
        retryAt = null;
        writeDue();
    }
}
