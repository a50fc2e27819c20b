package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Backoff;
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
 * thread and tests call them directly. Thread-safe (the book offers snapshots from daemon threads,
 * the watch delivers what it saw of the node from the client's).
 *
 * <p>Pacing: the first change after a quiet period goes out at once; changes that come within the
 * debounce window of a write wait for the window to close and go out together, as one patch of the
 * newest truth. So a lone change costs no delay, and a burst or a constant stream costs at most one
 * write per window.
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
    /** When the change not yet written is due. */
    private Optional<Instant> changeDue = Optional.empty();
    /** When the last write was sent, whatever came of it: the debounce window runs from there. */
    private Optional<Instant> lastSent = Optional.empty();
    private Optional<Instant> lastWrite = Optional.empty();
    private Instant retryAt = Instant.MIN;
    private int failures;
    private Optional<ApiFailure.Kind> failing = Optional.empty();
    /** The write sent and not answered yet: the watch may show the node before it or after it. */
    private Optional<NodeStatusWrite> inFlight = Optional.empty();

    /** The node's uid as last seen; a new one means the node was created again. */
    private Optional<String> uid = Optional.empty();
    /** A watch saw the node deleted, and no node of that name since: writes would only meet 404. */
    private boolean gone;
    /** Types we wrote that the node stopped showing; the next write puts them back. */
    private Set<String> missing = Set.of();
    private boolean watching;
    private Instant watchRetryAt = Instant.MIN;
    private int watchFailures;

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

    /** The book changed: due at once after a quiet period, else when the last write's window closes. */
    synchronized void offer(BookSnapshot snapshot, Instant now) {
        if (snapshot.version() < latest.version()) {
            return;
        }
        latest = snapshot;
        if (changeDue.isEmpty() && adopted && differs()) {
            changeDue = Optional.of(windowEnd(now));
        }
    }

    /**
     * The node was read at start. Until then nothing is written: a write before the read would put
     * healthy defaults over problems the agent reported before it restarted.
     */
    synchronized void adopted(Set<String> ourTypes, Optional<String> nodeUid, Instant now) {
        adopted = true;
        ourTypesOnNode = Set.copyOf(ourTypes);
        uid = nodeUid;
        // The first write goes out at once; it is also the first heartbeat.
        changeDue = Optional.of(now);
    }

    synchronized boolean isAdopted() {
        return adopted;
    }

    /** The write due at {@code now}, if any: a change whose time has come, or a heartbeat. */
    synchronized Optional<NodeStatusWrite> step(Instant now) {
        if (!adopted || gone || now.isBefore(retryAt)) {
            return Optional.empty();
        }
        boolean changeIsDue = changeDue.isPresent() && !now.isBefore(changeDue.get());
        boolean heartbeatDue = lastWrite.isEmpty() || !now.isBefore(lastWrite.get().plus(heartbeat));
        if (!changeIsDue && !heartbeatDue) {
            return Optional.empty();
        }
        // What is being written covers every change up to now; a change during the write waits for the window.
        changeDue = Optional.empty();
        lastSent = Optional.of(now);
        List<Condition> conditions = latest.all().stream().map(OwnedCondition::condition).toList();
        SortedSet<String> deletes = new TreeSet<>(ourTypesOnNode);
        deletes.removeAll(latest.conditions().keySet());
        inFlight = Optional.of(new NodeStatusWrite(conditions, deletes, now, latest.version()));
        return inFlight;
    }

    /** The API server accepted {@code patch}. */
    synchronized void written(NodeStatusWrite patch, Instant now) {
        Map<String, Condition> written = new HashMap<>();
        patch.conditions().forEach(c -> written.put(c.type(), c));
        onNode = Map.copyOf(written);
        ourTypesOnNode = Set.copyOf(written.keySet());
        missing = Set.of();
        inFlight = Optional.empty();
        lastWrite = Optional.of(patch.heartbeat());
        failures = 0;
        failing = Optional.empty();
        retryAt = Instant.MIN;
        if (!differs()) {
            changeDue = Optional.empty();
        } else if (changeDue.isEmpty()) {
            changeDue = Optional.of(windowEnd(now));
        }
    }

    /** The write or read failed; the next try waits a jittered, growing pause. */
    synchronized Duration failed(ApiFailure failure, Instant now) {
        failures++;
        failing = Optional.of(failure.kind());
        inFlight = Optional.empty();
        Duration pause = backoff.after(failures, failure.kind().retryCap(), random);
        retryAt = now.plus(pause);
        if (adopted) {
            // What failed is overdue already: it goes at retryAt, with no window to wait for.
            changeDue = Optional.of(now);
        }
        return pause;
    }

    synchronized int failures() {
        return failures;
    }

    /**
     * What a watch event showed of the node. Entries of ours that our last write put there and the
     * node no longer shows (someone removed them, or the node was deleted and created again) are
     * due again like a change: at once, or when the window of the last write closes.
     *
     * @return what happened to the node, the first time it is noticed, for one log line
     */
    synchronized Optional<NodeDrift> observed(NodeObservation seen, Instant now) {
        if (!adopted) {
            return Optional.empty();
        }
        return switch (seen) {
            case NodeObservation.Gone gone -> {
                if (this.gone) {
                    yield Optional.empty();
                }
                this.gone = true;
                yield Optional.of(new NodeDrift.Deleted());
            }
            case NodeObservation.Present present -> {
                boolean recreated = gone || (uid.isPresent() && present.uid().isPresent() && !uid.equals(present.uid()));
                gone = false;
                uid = present.uid().or(() -> uid);
                // A write in flight may or may not be in what the watch showed: only types both before
                // and after it count, so our own deletion's echo is not taken for someone else's.
                SortedSet<String> lacking = new TreeSet<>(onNode.keySet());
                inFlight.ifPresent(patch -> lacking.retainAll(patch.conditions().stream().map(Condition::type).toList()));
                lacking.removeAll(present.ourTypes());
                if (lacking.isEmpty()) {
                    if (!missing.isEmpty()) {
                        // Put back by someone else (or our own write's echo): nothing left to repair.
                        missing = Set.of();
                        if (!differs()) {
                            changeDue = Optional.empty();
                        }
                    }
                    yield Optional.empty();
                }
                boolean noticed = missing.isEmpty();
                missing = Set.copyOf(lacking);
                if (failing.equals(Optional.of(ApiFailure.Kind.NOT_FOUND))) {
                    // The node is back: the 404 backoff is over.
                    retryAt = Instant.MIN;
                }
                Instant due = windowEnd(now);
                if (changeDue.isEmpty() || changeDue.get().isAfter(due)) {
                    changeDue = Optional.of(due);
                }
                if (!noticed) {
                    yield Optional.empty();
                }
                yield Optional.of(recreated ? new NodeDrift.Recreated(present.uid(), lacking) : new NodeDrift.Removed(lacking));
            }
        };
    }

    /** Whether the node's watch should be started now: once the first write is in, and again after it was lost. */
    synchronized boolean watchDue(Instant now) {
        return adopted && lastWrite.isPresent() && !watching && !now.isBefore(watchRetryAt);
    }

    synchronized void watchStarted() {
        watching = true;
        watchFailures = 0;
    }

    /** The watch could not be started or was ended by the server; it is started again after the returned pause. */
    synchronized Duration watchLost(ApiFailure failure, Instant now) {
        watching = false;
        watchFailures++;
        Duration pause = backoff.after(watchFailures, failure.kind().retryCap(), random);
        watchRetryAt = now.plus(pause);
        return pause;
    }

    /** When {@link #step} or the watch next has something to do. */
    synchronized Instant nextWake(Instant now) {
        if (!adopted) {
            return retryAt.isAfter(now) ? retryAt : now;
        }
        if (gone) {
            // Nothing to write until the watch sees the node again; the writer's idle bound still looks.
            if (!watching) {
                return watchRetryAt.isAfter(now) ? watchRetryAt : now;
            }
            return Instant.MAX;
        }
        Instant wake = lastWrite.map(w -> w.plus(heartbeat)).orElse(now);
        if (changeDue.isPresent() && changeDue.get().isBefore(wake)) {
            wake = changeDue.get();
        }
        if (wake.isBefore(retryAt)) {
            wake = retryAt;
        }
        if (lastWrite.isPresent() && !watching && watchRetryAt.isBefore(wake)) {
            wake = watchRetryAt.isAfter(now) ? watchRetryAt : now;
        }
        return wake;
    }

    synchronized Optional<Instant> lastWrite() {
        return lastWrite;
    }

    /** {@code now}, or later if a write went out less than a debounce window ago. */
    private Instant windowEnd(Instant now) {
        return lastSent.map(sent -> sent.plus(debounce)).filter(end -> end.isAfter(now)).orElse(now);
    }

    private boolean differs() {
        if (!missing.isEmpty() || !latest.conditions().keySet().containsAll(ourTypesOnNode)) {
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
