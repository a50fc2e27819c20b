package dev.nodemedic.remedy.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ExecutorSchedulerTest {

    @Test
    void closeLetsThePassUnderWayEndUninterruptedAndDropsWhatWaits() throws Exception {
        ExecutorScheduler scheduler = new ExecutorScheduler(Clock.systemUTC(), "remedy-controller");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        AtomicBoolean laterRan = new AtomicBoolean();
        scheduler.execute(() -> {
            running.countDown();
            try {
                // Stands for an API call: an interrupt would cut it short.
                finish.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            ended.set(true);
        });
        // The next pass, due long after: close() must neither run it nor wait for it.
        scheduler.schedule(Clock.systemUTC().instant().plus(Duration.ofHours(1)), () -> laterRan.set(true));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        Thread closing = Thread.ofPlatform().start(scheduler::close);
        // close() is waiting for the pass; the pass ends on its own, and close() returns after it.
        closing.join(Duration.ofMillis(200));
        assertThat(closing.isAlive()).as("close waits for the pass under way").isTrue();
        finish.countDown();
        closing.join(Duration.ofSeconds(5));

        assertThat(closing.isAlive()).as("close returns once the pass ended, not at its bound").isFalse();
        assertThat(ended).isTrue();
        assertThat(interrupted).as("the pass under way was not interrupted").isFalse();
        assertThat(laterRan).as("what waited for its time was dropped").isFalse();
    }

    /**
     * Events are best effort: closing their scheduler interrupts the write under way at once, so that closing it after
     * the passes' scheduler (which may take its whole bound) still fits the runtime's stop bound.
     */
    @Test
    void anInterruptibleSchedulerInterruptsItsTaskUnderWayAtOnce() throws Exception {
        ExecutorScheduler scheduler = ExecutorScheduler.interruptible(Clock.systemUTC(), "remedy-events");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        scheduler.execute(() -> {
            running.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        scheduler.close();

        assertThat(interrupted).as("the write under way was interrupted").isTrue();
        // Not left the passes' uninterrupted grace first (the margin is three orders of magnitude).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ExecutorScheduler.UNINTERRUPTED);
    }

    @Test
    void aTaskThatIgnoresItsInterruptIsNamedByItsThread() throws Exception {
        ExecutorScheduler scheduler = ExecutorScheduler.interruptible(Clock.systemUTC(), "remedy-events");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduler.execute(() -> {
            running.countDown();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // stands for a call that does not stop when interrupted
                }
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(catchThrowable(scheduler::close)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the task under way on remedy-events did not end within 2s");
        } finally {
            release.countDown();
        }
    }
}
