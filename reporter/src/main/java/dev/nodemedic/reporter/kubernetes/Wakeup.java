package dev.nodemedic.reporter.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one writer's step on the given scheduler at the earliest time asked for, never two at once:
 * a wakeup that comes while a step runs makes it run once more. A step that throws is logged and the
 * writer is woken again, so one bug cannot silently stop reporting.
 */
final class Wakeup {
    private static final Logger log = LoggerFactory.getLogger(Wakeup.class);

    private final String name;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Runnable step;
    private final Duration maxIdle;
    private ScheduledFuture<?> pending;
    private Instant pendingAt = Instant.MAX;
    private boolean running;
    private boolean again;
    private boolean closed;

    Wakeup(String name, ScheduledExecutorService executor, Clock clock, Runnable step, Duration maxIdle) {
        this.name = name;
        this.executor = executor;
        this.clock = clock;
        this.step = step;
        this.maxIdle = maxIdle;
    }

    /** Runs the step at {@code when}, or sooner if already due sooner; never later than {@code maxIdle} from now. */
    synchronized void at(Instant when) {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        Duration delay = Duration.between(now, when);
        if (delay.isNegative()) {
            delay = Duration.ZERO;
        } else if (delay.compareTo(maxIdle) > 0) {
            delay = maxIdle;
        }
        Instant effective = now.plus(delay);
        if (pending != null && !pending.isDone() && !pendingAt.isAfter(effective)) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        try {
            pendingAt = effective;
            pending = executor.schedule(this::fire, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The agent shut its scheduler down: it is stopping.
            closed = true;
        }
    }

    synchronized void close() {
        closed = true;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void fire() {
        synchronized (this) {
            pending = null;
            pendingAt = Instant.MAX;
            if (running) {
                again = true;
                return;
            }
            running = true;
        }
        while (true) {
            try {
                step.run();
            } catch (RuntimeException e) {
                log.error("{} step failed; it runs again within {}s", name, maxIdle.toSeconds(), e);
                at(clock.instant().plus(maxIdle));
            }
            synchronized (this) {
                if (!again || closed) {
                    running = false;
                    return;
                }
                again = false;
            }
        }
    }
}
