package dev.nodemedic.daemons.kernellog.source;

import dev.nodemedic.logsources.LogFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Reads a log file as NPD's filelog plugin does: from its start, each line's stamp and message taken
 * by the config's {@link FileLineFormat}, lines older than the start time dropped. Following the file
 * (appends, rotation, truncation) is {@link LogFile}'s, shared with kubelet-health; what is NPD's is
 * here.
 *
 * <p>Silence is never health. A line that does not parse is skipped and counted, as NPD skips it (NPD
 * logs each one; the first of a run is logged here, with its line number and the field it fails). A run
 * of {@link #UNPARSED_WINDOW_LINES} lines, or one lasting {@link #UNPARSED_WINDOW_TIME}, without one that
 * parses means the {@code pluginConfig} does not fit this log: the sink hears that the source is
 * unusable, naming the file and the field. A file removed and not recreated is unusable too.
 */
public final class FileSource implements LogSource {
    /** A longer line is cut here: a file without newlines must not take the agent's memory. */
    static final int MAX_LINE_BYTES = LogFile.MAX_LINE_BYTES;
    /**
     * Lines in a row, none parsing, that show the {@code pluginConfig} does not fit: a syslog file has a
     * stamp on every line, so even a burst of junk (a crash's binary tail, NUL bytes after a power cut) is a
     * line or a few; a hundred is a file of another format. A wrong config on a file with a backlog says so
     * at once.
     */
    static final int UNPARSED_WINDOW_LINES = 100;
    /** Or this long since the first of a run, with another line not parsing at its end: a quiet file with a wrong config. */
    static final Duration UNPARSED_WINDOW_TIME = Duration.ofMinutes(1);

    private final LogFile file;
    private final FileLineFormat format;
    private final List<String> skipList;
    private final Instant startTime;
    private final Clock clock;
    private final System.Logger logger;
    /** The run of lines not parsing, on the reader's thread: its length, when and where it began. */
    private long run;
    private Instant runSince;
    private long runFirstLine;
    private FileLineFormat.Mismatch runMismatch;
    private boolean unusableSaid;
    private String unparsedWhy = "";

    /**
     * @param skipList NPD's: a line containing one of these is dropped before it is parsed, so it is never
     *                 counted as not parsing (the daemon drops those that parse, as before)
     * @param clock    measures a run of lines that do not parse, and how long a removed file is gone
     */
    public FileSource(Path path, FileLineFormat format, List<String> skipList, Instant startTime, Duration poll, Clock clock, System.Logger logger) {
        this.file = new LogFile(path, format.marker(), poll, "check logPath, or the hostPath mount of the agent's pod", clock, logger);
        this.format = format;
        this.skipList = List.copyOf(skipList);
        this.startTime = startTime;
        this.clock = clock;
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
                if (format.translate(line, from, to, lastMarker, filtered)) {
                    if (run > 0) {
                        runEnded(sink);
                    }
                } else {
                    notParsed(line, from, to, sink);
                }
            }

            @Override
            public void caughtUp() {
                filtered.caughtUp();
            }

            @Override
            public void opened() {
                // Called again when a file is back after missing(): what it holds is read from now on, and
                // the conditions say again what they said before it went (a run not parsing, or nothing).
                if (unusableSaid) {
                    sink.unusable(LineSink.LINES_UNPARSED, unparsedWhy);
                } else {
                    sink.usable();
                }
            }

            @Override
            public void missing(String why) {
                sink.unusable(LineSink.SOURCE_UNAVAILABLE, why);
            }
        }, LogFile.Start.BEGINNING);
    }

    /** On the reader's thread: counts the line, logs the first of a run, and says when a run shows the config does not fit. */
    private void notParsed(byte[] line, int from, int to, LineSink sink) {
        if (!skipList.isEmpty()) {
            String text = new String(line, from, to - from, StandardCharsets.UTF_8);
            for (String skip : skipList) {
                if (text.contains(skip)) {
                    return;
                }
            }
        }
        sink.unparsed();
        if (run++ == 0) {
            runSince = clock.instant();
            runFirstLine = file.lineNumber();
            runMismatch = format.mismatch(new String(line, from, to - from, StandardCharsets.UTF_8))
                    .orElse(new FileLineFormat.Mismatch("pluginConfig", "", "it does not fit pluginConfig"));
            // Once per run, not per line as NPD does: a file of another format would write a warning per line.
            logger.log(Level.WARNING, "log line does not fit pluginConfig, skipped and counted source={0} line={1} field={2} expected=\"{3}\"",
                    file.path(), runFirstLine, runMismatch.field(), runMismatch.expected());
            return;
        }
        if (!unusableSaid && (run >= UNPARSED_WINDOW_LINES || Duration.between(runSince, clock.instant()).compareTo(UNPARSED_WINDOW_TIME) >= 0)) {
            unusableSaid = true;
            logger.log(Level.WARNING, "no line of the log fits pluginConfig, the conditions are Unknown source={0} lines={1} since={2} field={3}",
                    file.path(), run, runSince, runMismatch.field());
            unparsedWhy = describe() + ": " + run + " lines in a row do not fit pluginConfig, none parsing since line " + runFirstLine
                    + " (" + runSince.truncatedTo(ChronoUnit.SECONDS) + "), where " + runMismatch.why() + "; fix " + runMismatch.field()
                    + " for this log's format, or set logPath to the log this pluginConfig was written for";
            sink.unusable(LineSink.LINES_UNPARSED, unparsedWhy);
        }
    }

    private void runEnded(LineSink sink) {
        if (unusableSaid) {
            logger.log(Level.INFO, "log lines fit pluginConfig again source={0} line={1} unparsed={2}", file.path(), file.lineNumber(), run);
            unusableSaid = false;
            sink.usable();
        }
        run = 0;
    }

    @Override
    public void close() {
        file.close();
    }
}
