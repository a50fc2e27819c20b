package dev.nodemedic.remedy.controller;

import dev.nodemedic.apiserver.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Per node, when a write that failed (or was refused, or was done but not recorded in the ledger) is
 * tried again: api-server's {@link Backoff} from {@link #BACKOFF}'s first step, doubling up to {@link #MAX},
 * until a write goes through. As client-go's {@code flowcontrol.Backoff}: a node the API server keeps
 * refusing costs a write now and then, not one every pass.
 *
 * <p>The wait is the backoff's ceiling, without jitter: jitter keeps many callers from coming back in step, but
 * the controller is one caller on one thread, and nodes that failed together are best tried again in one pass
 * rather than in as many passes as there are nodes.
 */
final class NodeRetries {
    /** 10 s after the first failure: a pass costs every node a look, so not sooner. */
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(10));
    static final Duration MAX = Duration.ofMinutes(5);

    private record Entry(Instant at, int failures) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /** When the node is tried again, if that is still to come. */
    Optional<Instant> waitingUntil(String node, Instant now) {
        return Optional.ofNullable(entries.get(node)).map(Entry::at).filter(at -> at.isAfter(now));
    }

    /** A try failed: the wait doubles from the last one. @return when the node is tried again */
    Instant failed(String node, Instant now) {
        int failures = Optional.ofNullable(entries.get(node)).map(Entry::failures).orElse(0) + 1;
        Instant at = now.plus(BACKOFF.ceiling(failures, MAX));
        entries.put(node, new Entry(at, failures));
        return at;
    }

    /** A write went through: the next failure starts from the first step again. */
    void succeeded(String node) {
        entries.remove(node);
    }

    /** Forgets the nodes the last pass did not decide on. */
    void keepOnly(Set<String> nodes) {
        entries.keySet().retainAll(nodes);
    }

    /**
     * The earliest retry still to come. A time already passed asks for no pass: its node was tried
     * again in the pass that just ran, or is held now, and a pass asked for at once would find it
     * held again, and ask again, for as long as the hold lasts.
     */
    Optional<Instant> nextAfter(Instant now) {
        return entries.values().stream().map(Entry::at).filter(at -> at.isAfter(now)).min(Instant::compareTo);
    }
}
