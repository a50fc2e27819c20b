package dev.nodemedic.apiserver.events;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * The Events waiting to be written and what becomes of each write: the pure part of {@link EventWriter},
 * as {@code NodeStatusSync} is for node status. It does no I/O and reads no clock; it says what to write
 * next, folds a repeat into the entry of an Event not written yet (keyed by the Event's name, so the
 * newest count wins), holds at most {@code capacity} Events while the API server is away, and after a
 * failed write says whether to write again as the other verb, drop, or wait out a backoff. Its answers
 * carry what the writer logs and counts, once per run rather than once per event. Thread-safe:
 * decisions come from the emitters' threads, outcomes from the writer's.
 */
public final class PendingEvents {
    /** (source, node) pairs whose budget drops are tracked for the log; sources come from config, so this is generous. */
    static final int TRACKED_BUDGETS = 256;

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

        /** The API server refused the Event itself (a 4xx that a retry cannot change): dropped. */
        record Rejected(int code) implements AfterFailure {
        }

        /**
         * Kept; nothing is written before {@code at}.
         *
         * @param newTrouble the first failure, or one with another code than the last: worth one log line
         */
        record Retry(Instant at, boolean newTrouble) implements AfterFailure {
        }
    }

    /**
     * The API server takes Events again after failing.
     *
     * @param wasCode           the last failure's HTTP status, 0 when no answer came
     * @param droppedMeanwhile  events dropped for want of room in the meantime
     */
    public record Recovered(int wasCode, long droppedMeanwhile) {
    }

    private final int capacity;
    private final RetryDelay retryDelay;
    private final SequencedMap<String, EventDecision> buffer = new LinkedHashMap<>();
    private final LruMap<SpamKey, Long> droppedByBudget = new LruMap<>(TRACKED_BUDGETS);
    private long droppedFull;
    private Instant retryAt = Instant.MIN;
    private int failures;
    private Optional<Integer> failingCode = Optional.empty();

    /** @param capacity Events held while the API server is away; more are dropped and counted */
    public PendingEvents(int capacity, RetryDelay retryDelay) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the Event buffer must hold at least 1 Event, capacity was " + capacity);
        }
        this.capacity = capacity;
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
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
        Optional<Recovered> recovered = failingCode.map(code -> new Recovered(code, droppedFull));
        failures = 0;
        retryAt = Instant.MIN;
        failingCode = Optional.empty();
        if (droppedFull > 0 && buffer.size() < capacity) {
            droppedFull = 0;
        }
        return recovered;
    }

    /** Writing {@code sent} failed with {@code error} at {@code now}. */
    public synchronized AfterFailure failed(EventDecision sent, KubernetesClientException error, Instant now) {
        int code = Math.max(error.getCode(), 0);
        String name = sent.record().name();
        // The entry may have taken a newer count while the write was out; what it becomes uses that.
        EventRecord current = Optional.ofNullable(buffer.get(name)).orElse(sent).record();
        if (code == 404 && sent instanceof EventDecision.Patch) {
            // The Event expired (the API server keeps them an hour) or its create was dropped: as client-go, create it.
            EventDecision create = new EventDecision.Create(current, false);
            buffer.put(name, create);
            return new AfterFailure.WriteAs(create);
        }
        if (code == 409 && sent instanceof EventDecision.Create) {
            // A create whose answer was lost and that was stored after all: patch it instead.
            EventDecision patch = new EventDecision.Patch(current);
            buffer.put(name, patch);
            return new AfterFailure.WriteAs(patch);
        }
        if (rejected(code)) {
            done(sent);
            return new AfterFailure.Rejected(code);
        }
        failures++;
        retryAt = now.plus(retryDelay.after(failures, error));
        boolean newTrouble = failingCode.map(c -> c != code).orElse(true);
        failingCode = Optional.of(code);
        return new AfterFailure.Retry(retryAt, newTrouble);
    }

    public synchronized int buffered() {
        return buffer.size();
    }

    /** A 4xx about the Event itself (invalid, too large); not our credentials, a throttle or a timeout, which pass. */
    private static boolean rejected(int code) {
        return code >= 400 && code < 500 && code != 401 && code != 403 && code != 404 && code != 408 && code != 409 && code != 429;
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
