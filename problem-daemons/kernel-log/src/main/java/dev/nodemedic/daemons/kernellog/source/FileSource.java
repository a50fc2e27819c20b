package dev.nodemedic.daemons.kernellog.source;

import dev.nodemedic.logsources.LogFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a log file as NPD's filelog plugin does: from its start, each line's stamp and message taken
 * by the config's {@link FileLineFormat}, lines older than the start time dropped. Following the file
 * (appends, rotation, truncation) is {@link LogFile}'s, shared with kubelet-health; what is NPD's is
 * here.
 */
public final class FileSource implements LogSource {
    /** A longer line is cut here: a file without newlines must not take the agent's memory. */
    static final int MAX_LINE_BYTES = LogFile.MAX_LINE_BYTES;

    private final LogFile file;
    private final FileLineFormat format;
    private final Instant startTime;
    private final System.Logger logger;
    private final AtomicLong unparsed = new AtomicLong();

    public FileSource(Path path, FileLineFormat format, Instant startTime, Duration poll, System.Logger logger) {
        this.file = new LogFile(path, format.marker(), poll, "check logPath, or the hostPath mount of the agent's pod", logger);
        this.format = format;
        this.startTime = startTime;
        this.logger = logger;
    }

    @Override
    public String describe() {
        return file.describe();
    }

    @Override
    public void run(LineSink sink) throws IOException, InterruptedException {
        // Syslog stamps have whole seconds: a line written just after start carries the second before
        // it, and must not be dropped as old.
        Instant notBefore = startTime.truncatedTo(ChronoUnit.SECONDS);
        LineSink filtered = new LineSink() {
            @Override
            public void line(Instant timestamp, String message) {
                if (!timestamp.isBefore(notBefore)) {
                    sink.line(timestamp, message);
                }
            }

            @Override
            public void line(Instant timestamp, byte[] utf8, int offset, int length) {
                if (!timestamp.isBefore(notBefore)) {
                    sink.line(timestamp, utf8, offset, length);
                }
            }

            @Override
            public void caughtUp() {
                sink.caughtUp();
            }
        };
        file.follow(new LogFile.Sink() {
            /**
             * One line, as bytes: the format takes stamp and message from them and decodes only what it
             * must (one copy of the message at most, none of the line).
             */
            @Override
            public void line(byte[] line, int from, int to, int lastMarker) {
                if (!format.translate(line, from, to, lastMarker, filtered) && unparsed.getAndIncrement() == 0) {
                    logger.log(Level.WARNING, "log line does not fit the timestamp/message expressions, skipped (first time; counted from now on) source={0}",
                            file.path());
                }
            }

            @Override
            public void caughtUp() {
                filtered.caughtUp();
            }
        }, LogFile.Start.BEGINNING);
    }

    /** Lines skipped because they did not parse. */
    public long unparsedLines() {
        return unparsed.get();
    }

    @Override
    public void close() {
        file.close();
    }
}
