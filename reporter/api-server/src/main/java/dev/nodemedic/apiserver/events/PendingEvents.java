package dev.nodemedic.apiserver.events;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Backoff;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.random.RandomGenerator;

/**
 * The Events waiting to be written and what becomes of each write: the pure part of {@link EventWriter},
 * as {@code NodeStatusSync} is for node status. It does no I/O and reads no clock; it says what to write
 * next, folds a repeat into the entry of an Event not written yet (keyed by the Event's name, so the
 * newest count wins), holds at most {@code capacity} Events while the API server is away, and after a
 * failed write says whether to write again as the other verb, drop, or wait out a backoff: api-server's
 * {@link Backoff} capped by the {@link ApiFailure.Kind}, as for node status (but 30 s for the namespace missing, see
 * {@link ApiFailure#retryCap(ApiFailure.Target)}), so that a fleet of agents
 * does not come back to a returning API server in step. Its answers
 * carry what the writer logs and counts, once per run rather than once per event. Thread-safe:
 * decisions come from the emitters' threads, outcomes from the writer's.
 */
public final class PendingEvents {
    /** What {@link #offer} did with a decision. */
    public sealed interface Offered {
        /**
         * Over the (source, node) budget: nothing to write.
         *
         * @param firstOfRun the first drop since that pair's last event went through: worth one log line
         */
        record OverBudget(boolean firstOfRun) implements Offered {
        }

        /**
         * Waiting to be written, as a new entry or folded into the same Event's.
         *
         * @param endedBudgetRun drops of its (source, node) that this event ends; 0 if it ends none
         */
        record Queued(long endedBudgetRun) implements Offered {
        }

        /**
         * No room, as the API server has not been taking Events: dropped.
         *
         * @param firstOfRun     the first since the buffer last had room after a write: worth one log line
         * @param endedBudgetRun as for {@link Queued}
         */
        record BufferFull(boolean firstOfRun, long endedBudgetRun) implements Offered {
        }
    }

    /** What to do after a failed write. */
    public sealed interface AfterFailure {
        /** The API server holds the Event otherwise than we thought: write it again at once as {@code now}. */
        record WriteAs(EventDecision now) implements AfterFailure {
        }

        /** The API server refused the Event itself ({@link ApiFailure.Kind#REJECTED}, which a retry cannot change): dropped. */
        record Rejected(ApiFailure failure) implements AfterFailure {
        }

        /**
         * Kept; nothing is written before {@code at}.
         *
         * @param newTrouble the first failure, or one of another kind than the last: worth one log line
         */
        record Retry(Instant at, boolean newTrouble) implements AfterFailure {
        }
    }

    /**
     * The API server takes Events again after failing.
     *
     * @param was               the last failure
     * @param droppedMeanwhile  events dropped for want of room in the meantime
     */
    public record Recovered(ApiFailure was, long droppedMeanwhile) {
    }

    private final int capacity;
    private final Backoff backoff;
    private final RandomGenerator random;
    private final SequencedMap<String, EventDecision> buffer = new LinkedHashMap<>();
    /** Per (source, node) over its budget, the drops since its last event went through; a pair pushed out logs its next drop again. */
    private final LruMap<SpamKey, Long> droppedByBudget;
    private long droppedFull;
    private Instant retryAt = Instant.MIN;
    private int failures;
    private Optional<ApiFailure> failing = Optional.empty();

    /**
     * @param capacity       Events held while the API server is away; more are dropped and counted
     * @param trackedBudgets (source, node) pairs whose runs of budget drops are remembered, for one log line per run:
     *                       the agent's sources on its one node, the controller's one source on each of its nodes
     * @param random         the backoff's jitter
     */
    public PendingEvents(int capacity, int trackedBudgets, Backoff backoff, RandomGenerator random) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the Event buffer must hold at least 1 Event, capacity was " + capacity);
        }
        if (trackedBudgets < 1) {
            throw new IllegalArgumentException("at least 1 (source, node) budget must be tracked, trackedBudgets was " + trackedBudgets);
        }
        this.capacity = capacity;
        this.droppedByBudget = new LruMap<>(trackedBudgets);
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Takes the correlator's decision: a drop is only remembered, anything else waits to be written. */
    public synchronized Offered offer(EventDecision decision) {
        EventRecord record = decision.record();
        SpamKey budget = new SpamKey(record.source(), record.node());
        if (decision instanceof EventDecision.Drop) {
            long dropped = droppedByBudget.get(budget).orElse(0L) + 1;
            droppedByBudget.put(budget, dropped);
            return new Offered.OverBudget(dropped == 1);
        }
        long ended = droppedByBudget.remove(budget).orElse(0L);
        EventDecision waiting = buffer.get(record.name());
        if (waiting != null) {
            // Not written yet: the newest count replaces the older one; a create stays a create.
            buffer.put(record.name(), waiting instanceof EventDecision.Create create ? new EventDecision.Create(record, create.combined()) : decision);
            return new Offered.Queued(ended);
        }
        if (buffer.size() >= capacity) {
            return new Offered.BufferFull(droppedFull++ == 0, ended);
        }
        buffer.put(record.name(), decision);
        return new Offered.Queued(ended);
    }

    /** The Event to write now: the oldest waiting, unless a backoff runs past {@code now}. */
    public synchronized Optional<EventDecision> next(Instant now) {
        if (buffer.isEmpty() || now.isBefore(retryAt)) {
            return Optional.empty();
        }
        return Optional.of(buffer.firstEntry().getValue());
    }

    /** When something is due to be written: empty when nothing waits; at once unless a backoff runs. */
    public synchronized Optional<Instant> due() {
        return buffer.isEmpty() ? Optional.empty() : Optional.of(retryAt);
    }

    /** {@code sent} was written; says so if that ends a run of failures. */
    public synchronized Optional<Recovered> written(EventDecision sent) {
        done(sent);
        Optional<Recovered> recovered = failing.map(was -> new Recovered(was, droppedFull));
        failures = 0;
        retryAt = Instant.MIN;
        failing = Optional.empty();
        if (droppedFull > 0 && buffer.size() < capacity) {
            droppedFull = 0;
        }
        return recovered;
    }

    /** Writing {@code sent} failed with {@code failure} at {@code now}. */
    public synchronized AfterFailure failed(EventDecision sent, ApiFailure failure, Instant now) {
        String name = sent.record().name();
        // The entry may have taken a newer count while the write was out; what it becomes uses that.
        EventRecord current = Optional.ofNullable(buffer.get(name)).orElse(sent).record();
        if (failure.notFound() && sent instanceof EventDecision.Patch) {
            // The Event expired (the API server keeps them an hour) or its create was dropped: as client-go, create it.
            EventDecision create = new EventDecision.Create(current, false);
            buffer.put(name, create);
            return new AfterFailure.WriteAs(create);
        }
        if (failure.conflict() && sent instanceof EventDecision.Create) {
            // A create whose answer was lost and that was stored after all: patch it instead.
            EventDecision patch = new EventDecision.Patch(current);
            buffer.put(name, patch);
            return new AfterFailure.WriteAs(patch);
        }
        if (failure.kind() == ApiFailure.Kind.REJECTED) {
            done(sent);
            return new AfterFailure.Rejected(failure);
        }
        failures++;
        retryAt = now.plus(backoff.after(failures, failure.retryCap(ApiFailure.Target.EVENT), random));
        boolean newTrouble = failing.map(f -> f.kind() != failure.kind()).orElse(true);
        failing = Optional.of(failure);
        return new AfterFailure.Retry(retryAt, newTrouble);
    }

    public synchronized int buffered() {
        return buffer.size();
    }

    private void done(EventDecision sent) {
        String name = sent.record().name();
        EventDecision current = buffer.get(name);
        if (sent.equals(current)) {
            buffer.remove(name);
        } else if (current != null) {
            // A newer count came in while this was written; the object exists now, so that is a patch.
            buffer.put(name, new EventDecision.Patch(current.record()));
        }
    }
}
