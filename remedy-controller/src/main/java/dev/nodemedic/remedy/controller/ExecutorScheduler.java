package dev.nodemedic.remedy.controller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link Scheduler} on one named platform thread; delays are measured on the injected clock. */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    /** Below the runtime's graceful-stop bound, which also covers closing the pod informers. */
    static final Duration STOP_WITHIN = Duration.ofSeconds(10);
    private final ScheduledExecutorService executor;
    private final Clock clock;

    public ExecutorScheduler(Clock clock) {
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("remedy-controller").daemon().factory());
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public Cancellable schedule(Instant at, Runnable task) {
        long delay = Math.max(0, Duration.between(clock.instant(), at).toNanos());
        ScheduledFuture<?> future = executor.schedule(task, delay, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Cancels what is waiting and gives a pass under way {@link #STOP_WITHIN} to end, so the next term never overlaps it. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the remedy pass under way did not end within " + STOP_WITHIN.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
