package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemon.api.DaemonCommand;
import dev.nodemedic.daemons.kernellog.source.BootTime;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemons.npdrules.NpdFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code nodemedic log-counter}: NPD's {@code /home/kubernetes/bin/log-counter}, with its flags and
 * its exit codes, for NPD's {@code *-monitor-counter.json} custom plugin configs. Counts the journal
 * entries of one {@code SYSLOG_IDENTIFIER} since the later of now minus {@code --lookback} and boot
 * plus {@code --delay} that {@code --pattern} matches (less those {@code --revert-pattern} matches);
 * at {@code --count} or more it says so and exits 1, else exits 0. Anything it cannot do (a bad flag,
 * no journal) exits 2, which NPD's custom plugin reads as Unknown.
 */
@Extension
public final class LogCounterCommand implements DaemonCommand {
    /** NPD's custom plugin exit codes. */
    static final int OK = 0;
    static final int NON_OK = 1;
    static final int UNKNOWN = 2;
    /** How long one read of the window may take: under the 1m timeout of NPD's counter configs. */
    private static final Duration READ_LIMIT = Duration.ofSeconds(45);
    private static final String USAGE = "usage: log-counter --journald-source=ID --lookback=DURATION [--delay=DURATION] [--log-path=JOURNAL_DIR]"
            + " --pattern=REGEX [--revert-pattern=REGEX] [--count=N]";

    private final Host host;

    public LogCounterCommand() {
        this(Host.linux());
    }

    LogCounterCommand(Host host) {
        this.host = host;
    }

    /**
     * NPD's log-counter flags.
     *
     * @param journaldSource {@code --journald-source}: the SYSLOG_IDENTIFIER to count (kernel, systemd, dockerd, …)
     * @param logPath        {@code --log-path}: the journal's directory; empty for journalctl's default
     * @param lookback       {@code --lookback}: how far back to count
     * @param delay          {@code --delay}: what is logged within this long after boot is not counted
     * @param pattern        {@code --pattern}: a Go regular expression, matched at the end of the line
     * @param revertPattern  {@code --revert-pattern}: each match takes one off the count; empty when not given
     * @param count          {@code --count}: the threshold (default 1, as NPD's)
     */
    record Options(String journaldSource, String logPath, Duration lookback, Duration delay, String pattern, String revertPattern, int count) {
    }

    @Override
    public String name() {
        return "log-counter";
    }

    @Override
    public String description() {
        return "NPD's log-counter: exit 1 when a journal pattern occurred --count times within --lookback (for NPD's *-monitor-counter.json)";
    }

    @Override
    public int run(CommandContext context, List<String> args) throws InterruptedException {
        try {
            return count(context, args);
        } catch (RuntimeException e) {
            // The agent would make any exception exit 1, which NPD's custom plugin reads as the problem found.
            context.out().println("log-counter: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return UNKNOWN;
        }
    }

    private int count(CommandContext context, List<String> args) throws InterruptedException {
        Options options;
        MatchCount counted;
        try {
            options = parse(context, args);
            counted = new MatchCount(options.pattern(), options.revertPattern());
        } catch (IllegalArgumentException e) {
            context.out().println("log-counter: " + e.getMessage());
            context.err().println(USAGE);
            return UNKNOWN;
        }
        Journal.Query query = Journal.Query.identifier(options.journaldSource());
        if (!options.logPath().isEmpty()) {
            query = query.in(Path.of(options.logPath()));
        }
        try {
            if (!options.logPath().isEmpty() && !Files.isDirectory(Path.of(options.logPath()))) {
                // journalctl --directory on a missing folder reads nothing and exits 0: a blind count would read as healthy.
                throw new IOException("--log-path " + options.logPath() + " is not a directory; mount the host's journal there");
            }
            Instant now = context.clock().instant();
            Instant since = BootTime.fromUptime(host.procUptime(), context.clock()).startTime(now, options.lookback(), options.delay());
            // The agent's journal reader fails a journal without a single entry, as a blind count would read as healthy.
            context.journal().read(query, since.isBefore(now) ? since : now, now, READ_LIMIT, entry -> {
                String message = entry.message().strip();
                if (!message.isEmpty() && since.isBefore(now)) {
                    counted.line(entry.realtime(), message);
                }
            });
        } catch (IOException e) {
            // NPD's custom plugin shows what a check prints as the condition's message, so the reason goes to stdout.
            context.out().println("log-counter: " + e.getMessage());
            return UNKNOWN;
        }
        if (counted.count() >= options.count()) {
            context.out().printf("Found %d matching logs, which meets the threshold of %d%n", counted.count(), options.count());
            return NON_OK;
        }
        return OK;
    }

    static Options parse(CommandContext context, List<String> args) {
        String source = "";
        String logPath = "";
        Duration lookback = null;
        Duration delay = Duration.ZERO;
        String pattern = "";
        String revert = "";
        int count = 1;
        NpdFlags flags = new NpdFlags(args);
        while (flags.next()) {
            switch (flags.name()) {
                case "journald-source" -> source = flags.value();
                case "log-path" -> logPath = flags.value();
                case "lookback" -> lookback = flags.duration(context);
                case "delay" -> delay = flags.value().isEmpty() ? Duration.ZERO : flags.duration(context);
                case "pattern" -> pattern = flags.value();
                case "revert-pattern" -> revert = flags.value();
                case "count" -> count = flags.integer();
                default -> throw new IllegalArgumentException("unknown flag --" + flags.name());
            }
        }
        if (source.isEmpty()) {
            throw new IllegalArgumentException("--journald-source is required: the SYSLOG_IDENTIFIER to count, such as kernel");
        }
        if (lookback == null) {
            throw new IllegalArgumentException("--lookback is required: how far back to count, such as 20m");
        }
        if (lookback.isNegative() || delay.isNegative()) {
            throw new IllegalArgumentException("--lookback and --delay cannot be negative");
        }
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("--pattern is required: the Go regular expression to count");
        }
        return new Options(source, logPath, lookback, delay, pattern, revert, count);
    }
}
