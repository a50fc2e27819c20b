package dev.nodemedic.remedy.scheduling;

import dev.nodemedic.daemon.api.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The controller's thread is real; its timer follows a {@link ManualClock}: {@link #advance} moves the
 * clock and runs what fell due, in order. Tests see exactly when the controller asked to be woken.
 */
public final class ManualScheduler implements Scheduler, AutoCloseable {
    private final ManualClock clock;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("remedy-controller-test").factory());
    private final List<Timed> timers = new ArrayList<>();

    private record Timed(Instant at, Runnable task, boolean[] cancelled) {
    }

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public void execute(Runnable task) {
        if (!thread.isShutdown()) {
            // An informer closed a moment ago may still hand over a change; the closed controller has nothing to do with it.
            thread.execute(task);
        }
    }

    @Override
    public synchronized Cancellable schedule(Instant at, Runnable task) {
        if (!at.isAfter(clock.instant())) {
            // Already due (the clock moved while the controller worked): run it now, as a real timer would.
            execute(task);
            return () -> { };
        }
        Timed timed = new Timed(at, task, new boolean[1]);
        timers.add(timed);
        return () -> {
            synchronized (ManualScheduler.this) {
                timed.cancelled()[0] = true;
                timers.remove(timed);
            }
        };
    }

    /** The instants the controller is waiting for, earliest first. */
    public synchronized List<Instant> wakeUps() {
        return timers.stream().filter(t -> !t.cancelled()[0]).map(Timed::at).sorted().toList();
    }

    public void advance(Duration duration) {
        clock.advance(duration);
        List<Timed> due;
        synchronized (this) {
            due = timers.stream().filter(t -> !t.at().isAfter(clock.instant())).toList();
            timers.removeAll(due);
        }
        due.forEach(t -> execute(t.task()));
    }

    /** Waits until every task handed to the thread so far has run: what they write is read only then. */
    public void awaitQueued() {
        try {
            thread.submit(() -> { }).get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the queued tasks", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the tasks queued on the scheduler's thread did not run within 20s", e);
        }
    }

    /**
     * Lets the task under way end rather than interrupting it: a pass cut off in the middle of an API call leaves
     * its request to the mock server half done while the test goes on to close the client and the server.
     * The controller is closed by then, so the tasks still queued return at once.
     */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the controller's task under way did not end within 20s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
