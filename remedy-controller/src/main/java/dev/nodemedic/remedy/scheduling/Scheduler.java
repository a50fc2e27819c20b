package dev.nodemedic.remedy.scheduling;

import java.time.Instant;

/**
 * One thread and its timer. Every change to the controller's state runs through {@link #execute} on the
 * controller's, so the loop needs no lock; {@link #schedule} wakes it at an instant of the controller's
 * clock (never by polling). The Event recorder writes on one of its own, so that an Event the API server
 * is slow to take never holds a pass; in a package of its own, as the recorder must not depend back on the
 * controller.
 */
public interface Scheduler {
    void execute(Runnable task);

    /** Runs {@code task} on this scheduler's thread at {@code at}; the returned handle cancels it. */
    Cancellable schedule(Instant at, Runnable task);

    interface Cancellable {
        void cancel();
    }
}
