package dev.nodemedic.apiserver.events;

import dev.nodemedic.daemon.api.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;

/**
 * client-go's event correlator ({@code tools/record/events_cache.go}) for Events about Nodes, in its
 * three stages: aggregate similar events, count exact repeats, and filter spam with a token bucket per
 * (source, node). {@link #decide} returns what to do; it does no I/O. Every cache is a bounded LRU and
 * time comes in as {@code now}, so a test steps it. The node agent has one for its node, the remedy
 * controller one for every node it acts on; as in client-go, the caches are shared by all involved
 * objects. Thread-safe: daemons emit from their own threads.
 */
public final class EventCorrelator {
    /** client-go's prefix for an aggregated event's message; people and tools search for it. */
    static final String COMBINED_PREFIX = "(combined from similar events): ";

    private static final class SimilarMessages {
        final LinkedHashSet<String> messages = new LinkedHashSet<>();
        Instant lastTimestamp;

        SimilarMessages(Instant lastTimestamp) {
            this.lastTimestamp = lastTimestamp;
        }
    }

    private final EventLimits limits;
    private final LruMap<AggregateKey, SimilarMessages> similar;
    private final LruMap<EventIdentity, EventRecord> observed;
    private final EventBudget budget;
    private long lastNameNanos;

    public EventCorrelator(EventLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.similar = new LruMap<>(limits.cacheEntries());
        this.observed = new LruMap<>(limits.cacheEntries());
        this.budget = new EventBudget(limits.burst(), limits.refillEvery(), limits.cacheEntries());
    }

    /** @param node the Node the event is about: its involved object, and part of every key */
    public synchronized EventDecision decide(String node, Event event, Instant now) {
        Objects.requireNonNull(node, "node");
        AggregateKey key = new AggregateKey(event.source(), node, event.severity(), event.reason());

        SimilarMessages group = similar.get(key)
                .filter(g -> !g.lastTimestamp.plus(limits.aggregateWindow()).isBefore(now))
                .orElseGet(() -> new SimilarMessages(now));
        similar.put(key, group);
        group.lastTimestamp = now;
        group.messages.add(event.message());
        boolean combined = group.messages.size() >= limits.aggregateAfter();
        if (combined) {
            // As client-go: keep the set one short of the limit, so every further distinct message
            // is combined too, and the set never grows.
            group.messages.removeFirst();
        }
        String message = combined ? COMBINED_PREFIX + event.message() : event.message();
        EventIdentity identity = new EventIdentity(key, combined ? Optional.empty() : Optional.of(event.message()));

        Optional<EventRecord> last = observed.get(identity);
        EventRecord next = last.map(l -> l.repeated(message, now))
                .orElseGet(() -> new EventRecord(newName(node, now), event.source(), node, event.severity(), event.reason(), message, 1, now, now));
        // Recorded before the spam filter, as in client-go: a dropped repeat still counts, and the
        // next patch that gets through carries the true count.
        observed.put(identity, next);

        if (!budget.tryTake(new SpamKey(event.source(), node), now)) {
            return new EventDecision.Drop(next);
        }
        return last.isPresent() ? new EventDecision.Patch(next) : new EventDecision.Create(next, combined);
    }

    /** Distinct groups and identities remembered, each at most {@link EventLimits#cacheEntries()}. */
    synchronized int cachedEntries() {
        return similar.size() + observed.size();
    }

    /**
     * {@code <node>.<unix nanos in hex>} as client-go names events; two events in one nanosecond (a
     * stepped clock in tests, a coarse clock on a VM, two nodes at once) still get distinct names.
     */
    private String newName(String node, Instant now) {
        long nanos = Duration.between(Instant.EPOCH, now).toNanos();
        lastNameNanos = Math.max(nanos, lastNameNanos + 1);
        return node + "." + Long.toHexString(lastNameNanos);
    }
}
