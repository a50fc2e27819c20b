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

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
