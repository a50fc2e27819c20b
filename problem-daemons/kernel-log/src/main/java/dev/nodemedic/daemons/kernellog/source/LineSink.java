package dev.nodemedic.daemons.kernellog.source;

import java.time.Instant;

/** Where a source hands each line: its time and its message, already stripped of syslog's prefix. */
@FunctionalInterface
public interface LineSink {
    void line(Instant timestamp, String message);

    /**
     * The source has handed on all it read for now (a block of a file, a record, an entry): what the
     * sink counts line by line may be published. Lets a file read at a million lines a second publish
     * its counters once a block rather than once a line.
     */
    default void caughtUp() {
    }
}
