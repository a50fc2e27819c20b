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
    /** How long an interruptible scheduler's task under way has to end once interrupted, within the same bound. */
    static final Duration INTERRUPTED_WITHIN = Duration.ofSeconds(2);
    private final ScheduledThreadPoolExecutor executor;
    private final Clock clock;
    private final String thread;
    private final Duration uninterrupted;
    private final Duration stopWithin;

    /**
     * A scheduler whose task under way is let end on close ({@link #UNINTERRUPTED}), as a pass must.
     *
     * @param thread the thread's name, seen in thread dumps and log lines
     */
    public ExecutorScheduler(Clock clock, String thread) {
        this(clock, thread, UNINTERRUPTED, STOP_WITHIN);
    }

    /**
     * A scheduler whose task under way is interrupted at once on close: for best-effort work (Events), so that
     * closing it after a pass's scheduler still fits the runtime's stop bound ({@link #STOP_WITHIN} plus
     * {@link #INTERRUPTED_WITHIN}, with room left for the pod informers).
     */
    public static ExecutorScheduler interruptible(Clock clock, String thread) {
        return new ExecutorScheduler(clock, thread, Duration.ZERO, INTERRUPTED_WITHIN);
    }

    private ExecutorScheduler(Clock clock, String thread, Duration uninterrupted, Duration stopWithin) {
        this.clock = clock;
        this.thread = thread;
        this.uninterrupted = uninterrupted;
        this.stopWithin = stopWithin;
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
     * still running after {@link #UNINTERRUPTED} is interrupted, and given the rest of {@link #STOP_WITHIN}; an
     * {@link #interruptible} scheduler's task is interrupted at once.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(uninterrupted.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                if (!executor.awaitTermination(stopWithin.minus(uninterrupted).toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the task under way on " + thread + " did not end within " + stopWithin.toSeconds() + "s");
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
