package dev.nodemedic.remedy.action;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for something another thread (an informer, a leader elector) makes true, up to a generous bound. */
public final class Eventually {
    private Eventually() {
    }

    /**
     * @throws AssertionError naming {@code what} if it is still false after {@code within}
     */
    public static void until(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not true after " + within + ": " + what);
            }
            // A short park between looks: the condition is another thread's doing, not a matter of time passing.
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}
