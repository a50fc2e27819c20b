package dev.nodemedic.core.journal;

import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.logsources.JournalLine;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription's way from the reader to its subscriber: a bounded queue and a thread of its own, so
 * a daemon that is slow with an entry holds up only itself. While its queue is full the entries meant
 * for it are dropped and counted (the journal keeps them; the reader does not wait), and it hears how
 * many through {@code missed} before the next one. What the journal's state becomes (following,
 * unavailable) is never dropped: it waits in a few slots kept for it. It hears {@code caughtUp} whenever
 * the entry it was handed was the last one queued for it.
 */
final class Delivery implements Journal.Subscription {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    /** Slots for following/unavailable besides the entries: a reader says one of them at most once a retry. */
    private static final int STATE_SLOTS = 16;

    private sealed interface Said {
        record Following() implements Said {
        }

        record Unavailable(String why, Duration retryIn) implements Said {
        }

        record Entry(Journal.Entry entry) implements Said {
        }

        record End() implements Said {
        }
    }

    private final Journal.Query query;
    private final long sinceMicros;
    private final Journal.Subscriber subscriber;
    private final Runnable onClose;
    private final int capacity;
    private final BlockingQueue<Said> queue;
    private final AtomicInteger queuedEntries = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedInAll = new AtomicLong();
    private volatile boolean closed;
    /** Whether it has had the reader's stream up to the reader's cursor: a child read again from an older time passes that over for it. */
    private volatile boolean caughtUp;

    /**
     * @param sinceMicros entries before this realtime are not this subscriber's
     * @param onClose     tells the reader it has one subscription fewer
     */
    Delivery(Journal.Query query, long sinceMicros, Journal.Subscriber subscriber, int capacity, Runnable onClose) {
        this.query = query;
        this.sinceMicros = sinceMicros;
        this.subscriber = subscriber;
        this.capacity = capacity;
        this.onClose = onClose;
        this.queue = new ArrayBlockingQueue<>(capacity + STATE_SLOTS);
    }

    Journal.Query query() {
        return query;
    }

    long sinceMicros() {
        return sinceMicros;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    void caughtUp(boolean caughtUp) {
        this.caughtUp = caughtUp;
    }

    void start(String name) {
        Thread.ofVirtual().name(name).start(this::deliver);
    }

    boolean wants(JournalLine line) {
        return !closed && line.realtimeMicros() >= sinceMicros && query.matches(line.fields());
    }

    /** Queues an entry, or drops and counts it while the subscriber is {@code capacity} entries behind. */
    void offer(JournalLine line) {
        if (closed) {
            return;
        }
        if (queuedEntries.get() >= capacity) {
            if (droppedInAll.getAndIncrement() == 0) {
                log.warn("journal subscriber is behind, entries dropped for it (first time; counted from now on) query=\"{}\" queued={}", query, capacity);
            }
            dropped.incrementAndGet();
            return;
        }
        queuedEntries.incrementAndGet();
        queue.offer(new Said.Entry(Journalctl.entry(line, query)));
    }

    void following() {
        say(new Said.Following());
    }

    void unavailable(String why, Duration retryIn) {
        say(new Said.Unavailable(why, retryIn));
    }

    private void say(Said said) {
        if (!closed && !queue.offer(said)) {
            log.warn("journal subscriber is too far behind to hear the journal's state query=\"{}\"", query);
        }
    }

    private void deliver() {
        try {
            while (true) {
                Said said = queue.take();
                if (closed || said instanceof Said.End) {
                    return;
                }
                long missed = dropped.getAndSet(0);
                if (missed > 0) {
                    subscriber.missed(missed);
                }
                switch (said) {
                    case Said.Following f -> subscriber.following();
                    case Said.Unavailable u -> subscriber.unavailable(u.why(), u.retryIn());
                    case Said.Entry e -> {
                        queuedEntries.decrementAndGet();
                        subscriber.entry(e.entry());
                        // None queued behind it: one caughtUp per run of entries, so a subscriber publishes what it counts once a batch.
                        if (queuedEntries.get() == 0) {
                            subscriber.caughtUp();
                        }
                    }
                    case Said.End end -> {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // Closed.
        } catch (RuntimeException | Error e) {
            // The agent's context wraps a daemon's subscriber and fails the instance; this is the backstop for any other.
            log.error("journal subscriber failed, its subscription is closed query=\"{}\"", query, e);
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        queue.offer(new Said.End());
        onClose.run();
    }
}
