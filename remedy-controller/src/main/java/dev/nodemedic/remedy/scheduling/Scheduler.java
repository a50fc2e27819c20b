package dev.nodemedic.remedy.scheduling;

import java.time.Instant;

/**
 * The controller's one thread and its timer. Every change to the controller's state runs through
 * {@link #execute}, so the loop needs no lock; {@link #schedule} wakes it at an instant of the
 * controller's clock (never by polling). In a package of its own: the controller uses the Event recorder,
 * which writes on this thread too and so must not depend back on the controller.
 */
public interface Scheduler {
    void execute(Runnable task);

    /** Runs {@code task} on the controller's thread at {@code at}; the returned handle cancels it. */
    Cancellable schedule(Instant at, Runnable task);

    interface Cancellable {
        void cancel();
    }
}
