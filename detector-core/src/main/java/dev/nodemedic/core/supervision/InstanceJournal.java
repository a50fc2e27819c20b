package dev.nodemedic.core.supervision;

import dev.nodemedic.daemon.api.Journal;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The agent's journal as one start of one daemon instance sees it: what the instance subscribed is
 * closed with it (a daemon that forgot, or failed, leaves no subscription reading for nobody); a
 * subscriber that throws fails the instance, as a thread of its context would; and entries dropped
 * because it fell behind are counted in {@code nodemedic_journal_entries_missed_total{daemon}}.
 */
final class InstanceJournal implements Journal, AutoCloseable {
    private final Journal host;
    private final Consumer<Throwable> fail;
    private final Supplier<LongConsumer> missedCounter;
    private final Set<Subscription> open = ConcurrentHashMap.newKeySet();
    private volatile LongConsumer missed;
    private volatile boolean closed;

    InstanceJournal(Journal host, Consumer<Throwable> fail, Supplier<LongConsumer> missedCounter) {
        this.host = host;
        this.fail = fail;
        this.missedCounter = missedCounter;
    }

    @Override
    public Subscription follow(Query query, Position from, Subscriber subscriber) {
        if (closed) {
            return () -> {
            };
        }
        if (missed == null) {
            missed = missedCounter.get();
        }
        Subscription[] made = new Subscription[1];
        Subscription subscription = host.follow(query, from, new Guarded(subscriber, () -> made[0]));
        Subscription tracked = () -> {
            open.remove(made[0]);
            subscription.close();
        };
        made[0] = tracked;
        open.add(tracked);
        if (closed) {
            tracked.close();
        }
        return tracked;
    }

    @Override
    public long read(Query query, Instant since, Instant until, Duration limit, Consumer<Entry> entries) throws IOException, InterruptedException {
        return host.read(query, since, until, limit, entries);
    }

    @Override
    public void close() {
        closed = true;
        Set.copyOf(open).forEach(Subscription::close);
    }

    /** Hands on to the daemon's subscriber; what it throws fails the instance and ends the subscription. */
    private final class Guarded implements Subscriber {
        private final Subscriber subscriber;
        private final Supplier<Subscription> subscription;

        Guarded(Subscriber subscriber, Supplier<Subscription> subscription) {
            this.subscriber = subscriber;
            this.subscription = subscription;
        }

        @Override
        public void following() {
            guarded(subscriber::following);
        }

        @Override
        public void entry(Entry entry) {
            guarded(() -> subscriber.entry(entry));
        }

        @Override
        public void unavailable(String why, Duration retryIn) {
            guarded(() -> subscriber.unavailable(why, retryIn));
        }

        @Override
        public void missed(long count) {
            missed.accept(count);
            guarded(() -> subscriber.missed(count));
        }

        @Override
        public void caughtUp() {
            guarded(subscriber::caughtUp);
        }

        private void guarded(Runnable call) {
            if (closed) {
                return;
            }
            try {
                call.run();
            } catch (RuntimeException | Error e) {
                Subscription s = subscription.get();
                if (s != null) {
                    s.close();
                }
                fail.accept(e);
            }
        }
    }
}
