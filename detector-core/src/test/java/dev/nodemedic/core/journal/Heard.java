package dev.nodemedic.core.journal;

import dev.nodemedic.daemon.api.Journal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A subscriber that records what it heard. */
class Heard implements Journal.Subscriber {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<Journal.Entry> entries = new CopyOnWriteArrayList<>();
    final List<String> unavailable = new CopyOnWriteArrayList<>();
    final AtomicInteger following = new AtomicInteger();
    final AtomicLong missed = new AtomicLong();
    final AtomicInteger caughtUp = new AtomicInteger();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void following() {
        following.incrementAndGet();
    }

    @Override
    public void entry(Journal.Entry entry) {
        threads.add(Thread.currentThread().getName());
        entries.add(entry);
        messages.add(entry.message());
    }

    @Override
    public void unavailable(String why, Duration retryIn) {
        unavailable.add(why + " | " + retryIn.toMillis() + "ms");
    }

    @Override
    public void caughtUp() {
        caughtUp.incrementAndGet();
    }

    @Override
    public void missed(long count) {
        missed.addAndGet(count);
    }
}
