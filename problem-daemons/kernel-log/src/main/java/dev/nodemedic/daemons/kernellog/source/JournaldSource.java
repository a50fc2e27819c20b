package dev.nodemedic.daemons.kernellog.source;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows the systemd journal through {@code journalctl -o json --follow}, as a child process: no
 * native library in the agent, and the journal's own reader does the file handling. Filtered as NPD's
 * journald plugin is (by {@code SYSLOG_IDENTIFIER}, or the kernel transport for the kernel log).
 *
 * <p>If journalctl dies it is started again after a backoff (doubling to a bound, reset once lines
 * flow), resuming after the cursor of the last entry read, so nothing is read twice or skipped. If it
 * fails before it ever produced an entry, the source fails with journalctl's own words: the daemon's
 * conditions go Unknown with them and the agent restarts the daemon.
 */
public final class JournaldSource implements LogSource {
    /** journalctl's last words, kept for the failure message; bounded. */
    private static final int MAX_ERROR_CHARS = 500;

    /** What to follow: journalctl's binary, an optional journal directory, and one field match. */
    public record Command(String journalctl, String directory, String match) {
        public Command {
            if (journalctl == null || journalctl.isBlank()) {
                throw new IllegalArgumentException("journalctl must be named");
            }
            directory = directory == null ? "" : directory;
            if (match == null || !match.contains("=")) {
                throw new IllegalArgumentException("match must be FIELD=value, such as SYSLOG_IDENTIFIER=kernel");
            }
        }

        List<String> arguments(String cursor, Instant startTime) {
            List<String> args = new ArrayList<>(List.of(journalctl, "--output=json", "--follow", "--no-pager", "--lines=all"));
            if (!directory.isEmpty()) {
                args.add("--directory=" + directory);
            }
            if (cursor.isEmpty()) {
                args.add("--since=@" + startTime.getEpochSecond());
            } else {
                args.add("--after-cursor=" + cursor);
            }
            args.add(match);
            return args;
        }
    }

    private final Command command;
    private final Instant startTime;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final System.Logger logger;
    private final CountDownLatch closedSignal = new CountDownLatch(1);
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong unparsed = new AtomicLong();
    private volatile boolean closed;
    private volatile Process process;

    public JournaldSource(Command command, Instant startTime, Duration firstBackoff, Duration maxBackoff, System.Logger logger) {
        this.command = command;
        this.startTime = startTime;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.logger = logger;
    }

    @Override
    public String describe() {
        return "journald " + command.match() + (command.directory().isEmpty() ? "" : " in " + command.directory());
    }

    @Override
    public void run(LineSink sink) throws IOException, InterruptedException {
        String cursor = "";
        boolean everRead = false;
        Duration backoff = firstBackoff;
        long startMicros = startTime.getEpochSecond() * 1_000_000 + startTime.getNano() / 1000;
        while (!closed) {
            Process p = start(cursor);
            long entries = 0;
            String lastWords = "";
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.isEmpty() || line.charAt(0) != '{') {
                        // journalctl's own complaints come on stderr, merged here
                        lastWords = line.length() > MAX_ERROR_CHARS ? line.substring(0, MAX_ERROR_CHARS) : line;
                        continue;
                    }
                    JournalEntry entry;
                    try {
                        entry = JournalEntry.parse(line);
                    } catch (IllegalArgumentException e) {
                        if (unparsed.getAndIncrement() == 0) {
                            logger.log(Level.WARNING, "journal entry is not JSON as expected, skipped (first time; counted from now on) source={0} why=\"{1}\"",
                                    describe(), e.getMessage());
                        }
                        continue;
                    }
                    entries++;
                    everRead = true;
                    if (!entry.cursor().isEmpty()) {
                        cursor = entry.cursor();
                    }
                    String message = entry.message().strip();
                    if (entry.realtimeMicros() >= startMicros && !message.isEmpty()) {
                        sink.line(Instant.EPOCH.plusNanos(entry.realtimeMicros() * 1000), message);
                    }
                }
            } catch (IOException e) {
                if (!closed) {
                    throw e;
                }
            } finally {
                p.destroy();
            }
            if (closed) {
                return;
            }
            int exit = p.waitFor();
            if (!everRead && exit != 0) {
                throw new IOException("journalctl exited with status " + exit + " before it read any entry"
                        + (lastWords.isEmpty() ? "" : ": " + lastWords) + " (" + describe() + ")");
            }
            backoff = entries > 0 ? firstBackoff : min(backoff.multipliedBy(2), maxBackoff);
            restarts.incrementAndGet();
            logger.log(Level.WARNING, "journalctl exited, restarting from the last cursor source={0} exit={1} entries={2} in={3}",
                    describe(), exit, entries, backoff);
            if (closedSignal.await(backoff.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Process start(String cursor) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command.arguments(cursor, startTime)).redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process p = builder.start();
            process = p;
            if (closed) {
                p.destroy();
            }
            return p;
        } catch (IOException e) {
            throw new IOException("cannot run " + command.journalctl() + " (" + e.getMessage() + "); install systemd's journalctl in the agent's image, or use the kmsg or filelog plugin", e);
        }
    }

    /** Times journalctl was started again after it died. */
    public long restarts() {
        return restarts.get();
    }

    @Override
    public void close() {
        closed = true;
        closedSignal.countDown();
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }
}
