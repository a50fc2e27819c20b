package dev.nodemedic.daemons.kernellog.source;

import java.io.IOException;

/**
 * Where lines come from. A closed set, as NPD's plugins are: the kernel's ring buffer, a log file,
 * the systemd journal.
 */
public sealed interface LogSource extends AutoCloseable permits KmsgSource, FileSource, JournaldSource {

    /**
     * Reads lines, oldest first, and hands those at or after the source's start time to {@code sink},
     * until {@link #close()} is called (then it returns) or the source fails for good (then it
     * throws, with a message naming the source and the cause).
     */
    void run(LineSink sink) throws IOException, InterruptedException;

    /** For logs and messages: {@code kmsg /dev/kmsg}, {@code file /var/log/kern.log}, ... */
    String describe();

    /** {@code kmsg}, {@code file} or {@code journald}: NPD's plugin names, and a metric label with few values. */
    default String kind() {
        return switch (this) {
            case KmsgSource kmsg -> "kmsg";
            case FileSource file -> "file";
            case JournaldSource journald -> "journald";
        };
    }

    /** Makes {@link #run} return soon. Safe to call from any thread, more than once. */
    @Override
    void close();
}
