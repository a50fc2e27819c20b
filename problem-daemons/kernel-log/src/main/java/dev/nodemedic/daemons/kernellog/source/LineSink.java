package dev.nodemedic.daemons.kernellog.source;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Where a source hands each line: its time and its message, already stripped of syslog's prefix. */
@FunctionalInterface
public interface LineSink {
    void line(Instant timestamp, String message);

    /**
     * A line whose message is {@code length} bytes of UTF-8 from {@code offset}, in an array the source
     * reuses once this returns: a sink that keeps the message must decode it (the default does, and
     * hands it to {@link #line(Instant, String)}). A file source hands its lines this way, so a sink
     * that can look at bytes (the rule engine's prefilter) makes no {@code String} of most lines.
     */
    default void line(Instant timestamp, byte[] utf8, int offset, int length) {
        line(timestamp, new String(utf8, offset, length, StandardCharsets.UTF_8));
    }

    /**
     * The source has handed on all it read for now (a block of a file, a record, an entry): what the
     * sink counts line by line may be published. Lets a file read at a million lines a second publish
     * its counters once a block rather than once a line.
     */
    default void caughtUp() {
    }

    /**
     * The source cannot hand on lines for now, for {@code why}, and goes on trying by itself: it resumes after
     * the last line it handed on, so no line comes twice and none is skipped (the agent's journal reader keeps
     * its cursor). What the sink reports from its lines is not known meanwhile.
     *
     * @param retryIn when the source is tried again
     */
    default void unavailable(String why, Duration retryIn) {
    }

    /** The source hands on lines again after {@link #unavailable}, from where it stopped. */
    default void resumed() {
    }
}
