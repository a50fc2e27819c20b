package dev.nodemedic.daemons.kernellog.source;

import java.time.Instant;

/** Where a source hands each line: its time and its message, already stripped of syslog's prefix. */
@FunctionalInterface
public interface LineSink {
    void line(Instant timestamp, String message);
}
