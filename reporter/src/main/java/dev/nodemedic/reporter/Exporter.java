package dev.nodemedic.reporter;

import dev.nodemedic.daemon.api.Event;

/**
 * Where the reporter's truth goes: the API server, the log, metrics. Both methods are called on the
 * reporting daemon's thread and must return at once; an exporter that does I/O hands the work to
 * its own thread and, for conditions, keeps only the newest snapshot (never a queue of states).
 */
public interface Exporter {

    /** The book changed; {@code snapshot} is the whole current truth, {@code previous} what came before. */
    void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot);

    /** A daemon instance emitted an event. */
    void eventEmitted(String owner, Event event);
}
