package dev.nodemedic.daemons.kernellog.source;

import java.nio.charset.StandardCharsets;
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

    /** The reason of the conditions while the source's log is gone or cannot be read: the same as while no source can be read. */
    String SOURCE_UNAVAILABLE = "LogSourceUnavailable";
    /** The reason of the conditions while the source reads lines of which none parse. */
    String LINES_UNPARSED = "LogLinesUnparsed";

    /**
     * A line was read that the source could not take a stamp and message from (a file whose lines do not fit
     * {@code pluginConfig}): skipped, to be counted. Published with the lines read, at {@link #caughtUp()}.
     */
    default void unparsed() {
    }

    /**
     * What the source reads cannot tell the node's state, and the source goes on by itself (it does not end,
     * which would restart the daemon and read its lookback again): its log is gone or cannot be read for now
     * ({@link #SOURCE_UNAVAILABLE}: a file removed and not recreated, the agent's journal reader retrying), or
     * none of its lines parse ({@link #LINES_UNPARSED}). {@code why} is a sentence naming the source and what
     * to fix or when it is tried again. Said when it starts and when its words change, until {@link #usable()}.
     */
    default void unusable(String reason, String why) {
    }

    /**
     * What the source reads tells the node's state again, after {@link #unusable}: lines come again from where
     * it stopped (the journal after the last entry handed on, a file back after removal from its start). Also
     * said when a file is opened, unusable or not before.
     */
    default void usable() {
    }
}
