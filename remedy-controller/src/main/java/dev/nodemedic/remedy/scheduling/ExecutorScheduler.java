package dev.nodemedic.remedy.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link Scheduler} on one named platform thread; delays are measured on the injected clock. A term has two: one for
 * its passes, one for its Events.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    /** Below the runtime's graceful-stop bound, which also covers closing the pod informers. */
    static final Duration STOP_WITHIN = Duration.ofSeconds(10);
    /**
     * How long a pass under way may go on uninterrupted after close: inside the 5 s that the default lease duration
     * (15 s) leaves after the renew deadline (10 s), so a leader that lost its Lease still stops before a follower
     * can take it.
     */
    static final Duration UNINTERRUPTED = Duration.ofSeconds(3);
    private final ScheduledThreadPoolExecutor executor;
    private final Clock clock;

    /** @param thread the thread's name, seen in thread dumps and log lines */
    public ExecutorScheduler(Clock clock, String thread) {
        this.clock = clock;
        this.executor = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name(thread).daemon().factory());
        // On close, what waits for its time is dropped; only the task under way ends.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
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

    /**
     * Drops what is waiting for its time and lets the task under way (a pass, an Event write) end, so the next term
     * never overlaps it. A pass is not interrupted at once: an interrupt cuts its API call short, and a node cordoned
     * by a pass whose ledger write was cut off would stay cordoned with nothing saying the controller did it. A task
     * still running after {@link #UNINTERRUPTED} is interrupted, and given the rest of {@link #STOP_WITHIN}.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(UNINTERRUPTED.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                if (!executor.awaitTermination(STOP_WITHIN.minus(UNINTERRUPTED).toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the remedy pass under way did not end within " + STOP_WITHIN.toSeconds() + "s");
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
