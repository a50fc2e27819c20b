package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.OwnedCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * When to write node status, and what: the pure part of the node status exporter. It holds only the
 * newest book snapshot and what the node last accepted, never a queue of states, so after any outage
 * the next write is the latest truth. Every method takes {@code now}; the writer calls them from its
 * thread and tests call them directly. Thread-safe (the book offers snapshots from daemon threads).
 */
final class NodeStatusSync {
    private final Duration debounce;
    private final Duration heartbeat;
    private final Backoff backoff;
    private final RandomGenerator random;

    private BookSnapshot latest = BookSnapshot.EMPTY;
    private boolean adopted;
    /** What the node holds of ours, as our last accepted write (or the node read at start) said. */
    private Map<String, Condition> onNode = Map.of();
    /** Our marked types on the node, including stale ones not yet deleted. */
    private Set<String> ourTypesOnNode = Set.of();
    private Optional<Instant> changedAt = Optional.empty();
    /** When the newest snapshot came, so a change that arrives during a write is timed from its arrival. */
    private Instant offeredAt = Instant.MIN;
    private Optional<Instant> lastWrite = Optional.empty();
    private Instant retryAt = Instant.MIN;
    private int failures;

    NodeStatusSync(Duration debounce, Duration heartbeat, Backoff backoff, RandomGenerator random) {
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce must not be negative, was " + debounce);
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat);
        }
        this.debounce = debounce;
        this.heartbeat = heartbeat;
        this.backoff = backoff;
        this.random = random;
    }

    /** The book changed. The debounce window opens at the first change not yet sent and does not slide. */
    synchronized void offer(BookSnapshot snapshot, Instant now) {
        if (snapshot.version() < latest.version()) {
            return;
        }
        latest = snapshot;
        offeredAt = now;
        if (changedAt.isEmpty() && adopted && differs()) {
            changedAt = Optional.of(now);
        }
    }

    /**
     * The node was read at start. Until then nothing is written: a write before the read would put
     * healthy defaults over problems the agent reported before it restarted.
     */
    synchronized void adopted(Set<String> ourTypes, Instant now) {
        adopted = true;
        ourTypesOnNode = Set.copyOf(ourTypes);
        // The first write goes out at once; it is also the first heartbeat.
        changedAt = Optional.of(now.minus(debounce));
    }

    synchronized boolean isAdopted() {
        return adopted;
    }

    /** The write due at {@code now}, if any: a change past its debounce, or a heartbeat. */
    synchronized Optional<NodeStatusPatch> step(Instant now) {
        if (!adopted || now.isBefore(retryAt)) {
            return Optional.empty();
        }
        boolean changeDue = changedAt.isPresent() && !now.isBefore(changedAt.get().plus(debounce));
        boolean heartbeatDue = lastWrite.isEmpty() || !now.isBefore(lastWrite.get().plus(heartbeat));
        if (!changeDue && !heartbeatDue) {
            return Optional.empty();
        }
        // What is being written covers every change up to now; a change during the write opens a new window.
        changedAt = Optional.empty();
        List<Condition> conditions = latest.all().stream().map(OwnedCondition::condition).toList();
        SortedSet<String> deletes = new TreeSet<>(ourTypesOnNode);
        deletes.removeAll(latest.conditions().keySet());
        return Optional.of(new NodeStatusPatch(conditions, deletes, now, latest.version()));
    }

    /** The API server accepted {@code patch}. */
    synchronized void written(NodeStatusPatch patch, Instant now) {
        Map<String, Condition> written = new HashMap<>();
        patch.conditions().forEach(c -> written.put(c.type(), c));
        onNode = Map.copyOf(written);
        ourTypesOnNode = Set.copyOf(written.keySet());
        lastWrite = Optional.of(patch.heartbeat());
        failures = 0;
        retryAt = Instant.MIN;
        if (changedAt.isEmpty() && differs()) {
            changedAt = Optional.of(offeredAt.isBefore(now) ? offeredAt : now);
        }
    }

    /** The write or read failed; the next try waits a jittered, growing pause. */
    synchronized Duration failed(ApiFailure failure, Instant now) {
        failures++;
        Duration pause = backoff.after(failures, failure.kind().retryCap(), random);
        retryAt = now.plus(pause);
        if (adopted) {
            // What failed is overdue already: it goes at retryAt, with no second debounce.
            changedAt = Optional.of(now.minus(debounce));
        }
        return pause;
    }

    synchronized int failures() {
        return failures;
    }

    /** When {@link #step} next has something to do. */
    synchronized Instant nextWake(Instant now) {
        if (!adopted) {
            return retryAt.isAfter(now) ? retryAt : now;
        }
        Instant wake = lastWrite.map(w -> w.plus(heartbeat)).orElse(now);
        if (changedAt.isPresent()) {
            Instant change = changedAt.get().plus(debounce);
            wake = change.isBefore(wake) ? change : wake;
        }
        return wake.isBefore(retryAt) ? retryAt : wake;
    }

    synchronized Optional<Instant> lastWrite() {
        return lastWrite;
    }

    private boolean differs() {
        if (!latest.conditions().keySet().containsAll(ourTypesOnNode)) {
            return true;
        }
        for (OwnedCondition held : latest.all()) {
            Condition sent = onNode.get(held.type());
            if (sent == null || !sent.equals(held.condition())) {
                return true;
            }
        }
        return false;
    }
}
