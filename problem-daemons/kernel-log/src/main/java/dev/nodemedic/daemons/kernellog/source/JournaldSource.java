package dev.nodemedic.daemons.kernellog.source;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

        /** journalctl and its journal as one would type them, for messages. */
        String asked() {
            return directory.isEmpty() ? journalctl : journalctl + " --directory=" + directory;
        }

        /** The entries of one window, once: no {@code --follow}, so journalctl ends at the window's end. */
        List<String> windowArguments(Instant since, Instant until) {
            List<String> args = new ArrayList<>(List.of(journalctl, "--output=json", "--no-pager"));
            if (!directory.isEmpty()) {
                args.add("--directory=" + directory);
            }
            // Whole seconds, widened to cover the window; entries are cut to it exactly by their microseconds.
            args.add("--since=@" + since.getEpochSecond());
            args.add("--until=@" + (until.getEpochSecond() + 1));
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
                        sink.caughtUp();
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
            if (!everRead) {
                // --follow never ends by itself: ending before any entry, even with status 0, means
                // journalctl could not follow this journal, and restarting it would hide that.
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
        Process p = start(command, new ProcessBuilder(command.arguments(cursor, startTime)));
        process = p;
        if (closed) {
            p.destroy();
        }
        return p;
    }

    /** Starts journalctl with its complaints merged into its output and nothing on its input. */
    private static Process start(Command command, ProcessBuilder builder) throws IOException {
        builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.journalctl() + " (" + e.getMessage() + "); install systemd's journalctl in the agent's image, or use the kmsg or filelog plugin", e);
        }
    }

    /**
     * Fails, with journalctl's words, unless the journal this command would follow holds an entry.
     * journalctl does not count a missing journal as an error: without {@code --follow} it prints
     * nothing (or "No journal files were found.") and exits 0, with it it waits forever. A container
     * without the host's journal, or without the host's {@code /etc/machine-id} (which names the
     * journal's directory), would look like a quiet node instead of a blind agent. Any entry will do,
     * not only the followed match: a readable journal without dockerd's lines is a node without dockerd.
     *
     * @param limit how long journalctl may take; it is killed after that
     */
    public static void requireEntries(Command command, Duration limit) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(command.journalctl(), "--output=json", "--lines=1", "--no-pager"));
        if (!command.directory().isEmpty()) {
            args.add("--directory=" + command.directory());
        }
        Process p = start(command, new ProcessBuilder(args));
        String asked = command.asked();
        String where = command.directory().isEmpty()
                ? "mount the host's journal (/var/log/journal, or /run/log/journal where it is volatile) and its /etc/machine-id into the pod"
                : "check that " + command.directory() + " holds the host's journal files";
        FutureTask<CheckOutput> output = new FutureTask<>(() -> CheckOutput.read(p.getInputStream()));
        Thread.ofVirtual().name("journalctl-check").start(output);
        try {
            // Done at the first entry, or once journalctl closes its output.
            CheckOutput said = output.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            if (said.entry()) {
                return;
            }
            String exit = p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS) ? "exit status " + p.exitValue() : "still running";
            throw new IOException(asked + " found no journal entry (" + (said.words().isEmpty() ? "it printed nothing" : "\"" + said.words() + "\"")
                    + ", " + exit + "); " + where);
        } catch (TimeoutException e) {
            throw new IOException(asked + " did not answer within " + limit.toMillis() + " ms; " + where, e);
        } catch (ExecutionException e) {
            throw new IOException("reading journalctl's answer failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Hands {@code sink} the entries of {@code command}'s match from {@code since} to {@code until}
     * (both included), oldest first, and returns: what NPD's log-counter reads, without following the
     * journal and waiting for a second of silence as NPD's does.
     *
     * @param limit how long journalctl may take; it is killed after that and the read fails
     * @return how many entries were handed on
     * @throws IOException when journalctl cannot be run, fails, or runs past {@code limit}, with its words
     */
    public static long readWindow(Command command, Instant since, Instant until, Duration limit, LineSink sink) throws IOException, InterruptedException {
        Process p = start(command, new ProcessBuilder(command.windowArguments(since, until)));
        long sinceMicros = since.getEpochSecond() * 1_000_000 + since.getNano() / 1000;
        long untilMicros = until.getEpochSecond() * 1_000_000 + until.getNano() / 1000;
        FutureTask<WindowOutput> output = new FutureTask<>(() -> WindowOutput.read(p.getInputStream(), sinceMicros, untilMicros, sink));
        Thread.ofVirtual().name("journalctl-window").start(output);
        try {
            WindowOutput read = output.get(limit.toNanos(), TimeUnit.NANOSECONDS);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IOException(command.asked() + " exited with status " + exit + (read.words().isEmpty() ? "" : ": " + read.words()));
            }
            return read.handed();
        } catch (TimeoutException e) {
            throw new IOException(command.asked() + " did not finish reading " + command.match() + " within " + limit.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IOException("reading journalctl's answer failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            p.destroyForcibly();
        }
    }

    /** What a window read printed: entries handed on, and journalctl's first complaint. */
    private record WindowOutput(long handed, String words) {
        static WindowOutput read(InputStream in, long sinceMicros, long untilMicros, LineSink sink) throws IOException {
            long handed = 0;
            String words = "";
            try (BufferedReader out = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.isEmpty() || line.charAt(0) != '{') {
                        if (words.isEmpty() && !line.isBlank()) {
                            words = line.length() > MAX_ERROR_CHARS ? line.substring(0, MAX_ERROR_CHARS) : line.strip();
                        }
                        continue;
                    }
                    JournalEntry entry;
                    try {
                        entry = JournalEntry.parse(line);
                    } catch (IllegalArgumentException e) {
                        // As the followed journal does: an entry that is not the JSON expected is passed over.
                        continue;
                    }
                    String message = entry.message().strip();
                    if (entry.realtimeMicros() >= sinceMicros && entry.realtimeMicros() <= untilMicros && !message.isEmpty()) {
                        sink.line(Instant.EPOCH.plusNanos(entry.realtimeMicros() * 1000), message);
                        handed++;
                    }
                }
            }
            return new WindowOutput(handed, words);
        }
    }

    /** What the check printed: whether an entry came, and its first complaint otherwise. */
    private record CheckOutput(boolean entry, String words) {
        static CheckOutput read(InputStream in) throws IOException {
            String words = "";
            try (BufferedReader out = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!line.isEmpty() && line.charAt(0) == '{') {
                        return new CheckOutput(true, "");
                    }
                    if (words.isEmpty() && !line.isBlank()) {
                        words = line.length() > MAX_ERROR_CHARS ? line.substring(0, MAX_ERROR_CHARS) : line.strip();
                    }
                }
            }
            return new CheckOutput(false, words);
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
