package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemons.kernellog.source.LineSink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A source's lines on their way to the rule engine, without those NPD's {@code skipList} names: the
 * daemon's way, which {@code rules test} replays. A line read as bytes stays bytes while the list is
 * empty, so the engine's prefilter makes no {@code String} of most lines; with a list, it is decoded
 * to be looked through.
 */
abstract class SkipListSink implements LineSink {
    private final List<String> skipList;

    SkipListSink(List<String> skipList) {
        this.skipList = List.copyOf(skipList);
    }

    @Override
    public final void line(Instant timestamp, String message) {
        for (String skip : skipList) {
            if (message.contains(skip)) {
                skipped();
                return;
            }
        }
        kept(timestamp, message);
    }

    @Override
    public final void line(Instant timestamp, byte[] utf8, int offset, int length) {
        if (skipList.isEmpty()) {
            kept(timestamp, utf8, offset, length);
        } else {
            line(timestamp, new String(utf8, offset, length, StandardCharsets.UTF_8));
        }
    }

    /** A line the skipList does not name: for the engine. */
    abstract void kept(Instant timestamp, String message);

    /** {@link #kept(Instant, String)} of a message given as {@code length} bytes of UTF-8 from {@code offset}, read only during the call. */
    abstract void kept(Instant timestamp, byte[] utf8, int offset, int length);

    /** A line the skipList names: dropped. */
    abstract void skipped();
}
