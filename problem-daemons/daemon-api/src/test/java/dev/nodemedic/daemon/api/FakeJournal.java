package dev.nodemedic.daemon.api;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A {@link Journal} a daemon's test writes: it appends entries (with the fields a query matches on),
 * says the journal is open or cannot be read, and sees what the daemon subscribed to. Each
 * subscription hears on a thread of its own, in order, as the agent's journal delivers; {@link #flush}
 * waits until everything said so far was heard. The agent's real reader (one journalctl for the
 * node) is tested in detector-core.
 *
 * <p>A subscription and a write or a change of state may come from different threads (a daemon follows on
 * its own thread while the test writes): they take one lock, so a newcomer hears each entry once, either
 * replayed as already written or delivered as new, never both, as the real reader's one stream does.
 */
public final class FakeJournal implements Journal {
    /** What a daemon asked for, and whether it still listens. */
    public final class Followed implements Subscription {
        private final Query query;
        private final Position from;
        private final Instant at;
        private final Subscriber subscriber;
        private final ExecutorService delivery = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon(true).name("fake-journal").factory());
        private volatile boolean closed;

        private Followed(Query query, Position from, Instant at, Subscriber subscriber) {
            this.query = query;
            this.from = from;
            this.at = at;
            this.subscriber = subscriber;
        }

        public Query query() {
            return query;
        }

        public Position from() {
            return from;
        }

        public boolean isClosed() {
            return closed;
        }

        private void tell(Consumer<Subscriber> what) {
            if (!closed) {
                delivery.execute(() -> {
                    if (!closed) {
                        what.accept(subscriber);
                    }
                });
            }
        }

        private boolean wants(Instant realtime, Map<String, String> fields) {
            Instant since = switch (from) {
                case Position.FromNow now -> at;
                case Position.Since s -> s.since();
            };
            return !realtime.isBefore(since) && query.matches(fields);
        }

        @Override
        public void close() {
            closed = true;
            delivery.shutdown();
        }
    }

    private final Clock clock;
    /** Held while subscribing, writing or changing state; delivery itself runs on the subscriptions' threads. */
    private final Object lock = new Object();
    private final List<Followed> followed = new CopyOnWriteArrayList<>();
    private final List<Entry> written = new CopyOnWriteArrayList<>();
    private volatile Optional<String> unreadable = Optional.empty();
    /** What a new subscriber hears at once, as the agent's reader tells a newcomer what it already knows; empty: nothing yet. */
    private volatile Optional<Consumer<Subscriber>> standing = Optional.empty();
    private final List<Read> reads = new CopyOnWriteArrayList<>();

    /** One {@link #read} a command made. */
    public record Read(Query query, Instant since, Instant until) {
    }

    public FakeJournal(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Subscription follow(Query query, Position from, Subscriber subscriber) {
        Followed one = new Followed(query, from, clock.instant(), subscriber);
        synchronized (lock) {
            standing.ifPresent(one::tell);
            if (unreadable.isEmpty() && standing.isPresent()) {
                // As the agent's reader does for a newcomer: what the journal holds from its position on.
                boolean replayed = false;
                for (Entry entry : written) {
                    if (one.wants(entry.realtime(), entry.fields())) {
                        Entry heard = narrowed(entry, query);
                        one.tell(s -> s.entry(heard));
                        replayed = true;
                    }
                }
                if (replayed) {
                    // As the agent's delivery says once the entries queued for a subscriber are handed on.
                    one.tell(Subscriber::caughtUp);
                }
            }
            // Only now can a write reach it: what was written before came in the replay above.
            followed.add(one);
        }
        return one;
    }

    @Override
    public long read(Query query, Instant since, Instant until, Duration limit, Consumer<Entry> entries) throws IOException {
        reads.add(new Read(query, since, until));
        if (unreadable.isPresent()) {
            throw new IOException(unreadable.get());
        }
        long handed = 0;
        for (Entry entry : written) {
            if (!entry.realtime().isBefore(since) && !entry.realtime().isAfter(until) && query.matches(entry.fields())) {
                entries.accept(narrowed(entry, query));
                handed++;
            }
        }
        return handed;
    }

    /** Every subscription so far, open or closed, oldest first. */
    public List<Followed> subscriptions() {
        return List.copyOf(followed);
    }

    /** Those still open. */
    public List<Followed> open() {
        return followed.stream().filter(f -> !f.closed).toList();
    }

    /** The commands' reads so far, oldest first. */
    public List<Read> reads() {
        return List.copyOf(reads);
    }

    /** The journal can be read: every open subscriber hears {@code following()}, and so does every later one. */
    public void following() {
        synchronized (lock) {
            unreadable = Optional.empty();
            standing = Optional.of(Subscriber::following);
            followed.forEach(f -> f.tell(Subscriber::following));
        }
    }

    /** The journal cannot be read: open subscribers and later ones hear it, and {@link #read} throws it, until {@link #following()}. */
    public void unavailable(String why, Duration retryIn) {
        synchronized (lock) {
            unreadable = Optional.of(why);
            standing = Optional.of(s -> s.unavailable(why, retryIn));
            followed.forEach(f -> f.tell(s -> s.unavailable(why, retryIn)));
        }
    }

    /**
     * Writes an entry with the fields queries match on; every open subscription it matches hears it, with the
     * fields it asked for, and so do later subscriptions whose position it is after while the journal is followed.
     */
    public void write(Instant realtime, String message, Map<String, String> fields) {
        Entry entry = new Entry(realtime, message, fields);
        synchronized (lock) {
            written.add(entry);
            for (Followed f : followed) {
                if (f.wants(realtime, fields)) {
                    Entry heard = narrowed(entry, f.query);
                    f.tell(s -> s.entry(heard));
                    // A batch of one: nothing else waits for it, as the agent's reader says when a subscriber's queue empties.
                    f.tell(Subscriber::caughtUp);
                }
            }
        }
    }

    /** Tells every open subscription that it missed {@code count} entries. */
    public void missed(long count) {
        synchronized (lock) {
            followed.forEach(f -> f.tell(s -> s.missed(count)));
        }
    }

    /** Waits until every open subscriber heard what was said before this call. */
    public void flush() throws InterruptedException {
        for (Followed f : open()) {
            try {
                f.delivery.submit(() -> { }).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
                if (!f.closed) {
                    throw new AssertionError("a fake journal subscriber did not take its entries within 10 s", e);
                }
            }
        }
    }

    private static Entry narrowed(Entry entry, Query query) {
        Map<String, String> asked = new HashMap<>();
        for (String name : query.fields()) {
            String value = entry.fields().get(name);
            if (value != null) {
                asked.put(name, value);
            }
        }
        return new Entry(entry.realtime(), entry.message(), asked);
    }

    /** For {@code List} assertions on queries. */
    public List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        followed.forEach(f -> queries.add(f.query));
        return queries;
    }
}
