package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.api.DaemonCommand;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.rules.Match;
import dev.nodemedic.daemons.kernellog.config.PluginConfig;
import dev.nodemedic.daemons.kernellog.rules.RequiredLiterals;
import dev.nodemedic.daemons.kernellog.rules.Rule;
import dev.nodemedic.daemons.kernellog.rules.RuleEngine;
import dev.nodemedic.daemons.kernellog.config.SourceKind;
import dev.nodemedic.daemons.kernellog.source.FileLineFormat;
import dev.nodemedic.daemons.kernellog.source.KmsgRecord;
import dev.nodemedic.daemons.kernellog.source.LineSink;
import dev.nodemedic.logsources.FileLines;
import dev.nodemedic.logsources.JournalLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * {@code nodemedic rules test --config F --log L [--format kern|kmsg|journal] [--explain] [--json]}:
 * replays a log through a config's rules with the daemon's own engine, and says what each rule
 * caught. How an operator checks a rule before shipping it.
 */
@Extension
public final class RulesCommand implements DaemonCommand {
    private static final String USAGE = "usage: nodemedic rules test --config FILE --log FILE [--format kern|kmsg|journal] [--explain] [--json]";

    /** The log's shape. */
    enum Format {
        KERN, KMSG, JOURNAL
    }

    /** The parsed command line. */
    record Options(Path config, Path log, Format format, boolean explain, boolean json) {
    }

    @Override
    public String name() {
        return "rules";
    }

    @Override
    public String description() {
        return "rules test: replay a log through a kernel-log config's rules and show what each rule catches";
    }

    @Override
    public int run(CommandContext context, List<String> args) throws IOException {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            context.err().println(e.getMessage());
            context.err().println(USAGE);
            return 2;
        }
        KernelLogConfig config;
        try {
            config = context.bind(options.config(), KernelLogConfig.class);
        } catch (ConfigException e) {
            context.err().println(e.getMessage());
            return 2;
        }
        if (!Files.isReadable(options.log())) {
            context.err().println(options.log() + ": " + (Files.exists(options.log()) ? "not readable" : "no such file"));
            return 2;
        }
        Format format = options.format() != null ? options.format() : guessFormat(config, options.log());
        Replay replay = new Replay(config, options.explain() && !options.json() ? context.out() : null, options.log());
        Instant started = context.clock().instant();
        replay.run(format, context.clock());
        Duration took = Duration.between(started, context.clock().instant());
        if (options.json()) {
            printJson(context, options, format, config, replay, took);
        } else {
            printTable(context.out(), options, format, config, replay, took);
        }
        return 0;
    }

    static Options parse(List<String> args) {
        if (args.isEmpty() || !args.getFirst().equals("test")) {
            throw new IllegalArgumentException("rules: the only sub-command is \"test\"");
        }
        Path config = null;
        Path log = null;
        Format format = null;
        boolean explain = false;
        boolean json = false;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--config" -> config = Path.of(value(args, ++i, arg));
                case "--log" -> log = Path.of(value(args, ++i, arg));
                case "--format" -> {
                    String f = value(args, ++i, arg);
                    try {
                        format = Format.valueOf(f.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--format " + f + ": expected kern, kmsg or journal");
                    }
                }
                case "--explain" -> explain = true;
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("rules test: unknown argument " + arg);
            }
        }
        if (config == null || log == null) {
            throw new IllegalArgumentException("rules test: --config and --log are required");
        }
        return new Options(config, log, format, explain, json);
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i);
    }

    /** The config's plugin says the format; with none, the first line does. */
    private static Format guessFormat(KernelLogConfig config, Path log) throws IOException {
        switch (config.plugin()) {
            case KMSG -> {
                return Format.KMSG;
            }
            case FILELOG -> {
                return Format.KERN;
            }
            case JOURNALD -> {
                return Format.JOURNAL;
            }
            case AUTO -> {
                try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                    String first = reader.readLine();
                    if (first != null && first.startsWith("{")) {
                        return Format.JOURNAL;
                    }
                    if (first != null && first.matches("^\\d+,\\d+,\\d+,.*")) {
                        return Format.KMSG;
                    }
                    return Format.KERN;
                }
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** One rule's tally. */
    private static final class Tally {
        long matches;
        long firstLine;
        long lastLine;
    }

    /** The replay: reads the log, pushes each message through the engine, tallies per rule. */
    private static final class Replay {
        private final KernelLogConfig config;
        private final RuleEngine engine;
        private final PrintStream explain;
        private final Path log;
        private final Tally[] tallies;
        /** The file line of each line in the engine's buffer, to report file line numbers. */
        private final long[] fileLines;
        private final Consumer<Match> onMatch = this::matched;
        /** Made once: the daemon's way, lines of a file reach the engine as bytes. */
        private final LineSink onLine;
        private long fileLine;
        long linesRead;
        long linesSkipped;
        long matches;

        Replay(KernelLogConfig config, PrintStream explain, Path log) {
            this.config = config;
            this.engine = new RuleEngine(config.rules(), config.bufferSize());
            this.explain = explain;
            this.log = log;
            this.tallies = new Tally[config.rules().size()];
            for (int i = 0; i < tallies.length; i++) {
                tallies[i] = new Tally();
            }
            this.fileLines = new long[config.bufferSize()];
            this.onLine = new Lines(config.skipList());
        }

        void run(Format format, java.time.Clock clock) throws IOException {
            PluginConfig kern = config.plugin() == SourceKind.FILELOG || !config.pluginConfig().timestamp().isEmpty()
                    ? config.pluginConfig() : KernLogFormat.PLUGIN_CONFIG;
            FileLineFormat kernFormat = format == Format.KERN
                    ? new FileLineFormat(kern.timestamp(), kern.message(), kern.timestampFormat(), ZoneId.systemDefault(), clock) : null;
            // Split at newlines as the agent's file source splits them, and handed on as bytes as it hands them.
            FileLines.Target target = (bytes, from, to, lastMarker) -> {
                fileLine++;
                linesRead++;
                boolean taken = switch (format) {
                    case KERN -> kernFormat.translate(bytes, from, to, lastMarker, onLine);
                    case KMSG -> KmsgRecord.decode(new String(bytes, from, to - from, StandardCharsets.UTF_8), Instant.EPOCH, onLine);
                    case JOURNAL -> journal(new String(bytes, from, to - from, StandardCharsets.UTF_8));
                };
                if (!taken) {
                    linesSkipped++;
                }
            };
            FileLines lines = new FileLines(kernFormat == null ? -1 : kernFormat.marker());
            try (InputStream in = Files.newInputStream(log)) {
                byte[] block = new byte[64 * 1024];
                int n;
                while ((n = in.read(block)) > 0) {
                    lines.read(block, n, target);
                }
                lines.finish(target);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(log.toString());
            }
        }

        private boolean journal(String line) {
            try {
                JournalLine entry = JournalLine.parse(line);
                onLine.line(Instant.EPOCH.plusNanos(entry.realtimeMicros() * 1000), entry.message().strip());
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** Notes each line's file line where the engine keeps it, for the tallies. */
        private final class Lines extends SkipListSink {
            Lines(List<String> skipList) {
                super(skipList);
            }

            @Override
            void kept(Instant timestamp, String message) {
                fileLines[(int) (engine.lines() % fileLines.length)] = fileLine;
                engine.push(message, timestamp, onMatch);
            }

            @Override
            void kept(Instant timestamp, byte[] utf8, int offset, int length) {
                fileLines[(int) (engine.lines() % fileLines.length)] = fileLine;
                engine.push(utf8, offset, length, timestamp, onMatch);
            }

            @Override
            void skipped() {
                linesSkipped++;
            }
        }

        private void matched(Match match) {
            if (match.recovery()) {
                return;
            }
            matches++;
            Tally tally = tallies[match.ruleIndex()];
            long first = fileLines[(int) ((match.firstLine() - 1) % fileLines.length)];
            if (tally.matches++ == 0) {
                tally.firstLine = first;
            }
            tally.lastLine = fileLine;
            if (explain != null) {
                Rule rule = match.rule();
                String where = first == fileLine ? "line " + fileLine : "lines " + first + "-" + fileLine;
                explain.println(where + ": rules[" + match.ruleIndex() + "] " + rule.reason() + " (" + rule.type()
                        + (rule.condition().isEmpty() ? "" : " → " + rule.condition()) + ")");
                for (String text : match.message().split("\n", -1)) {
                    explain.println("    | " + text);
                }
                RequiredLiterals literals = engine.requiredLiterals().get(match.ruleIndex());
                String scope = literals.lineLocal() ? "the line" : "the last " + config.bufferSize() + " lines";
                explain.println("    why: " + (literals.anyOf().isEmpty() ? "the pattern runs on every line"
                        : scope + (literals.lineLocal() ? " contains " : " contain ") + quoteAll(literals.sorted()))
                        + ", and /" + rule.pattern() + "/ matches at the end of " + scope);
            }
        }
    }

    private static String quoteAll(List<String> literals) {
        List<String> quoted = new ArrayList<>();
        for (String l : literals) {
            quoted.add("\"" + l + "\"");
        }
        return (quoted.size() == 1 ? "" : "one of ") + String.join(", ", quoted);
    }

    private static void printTable(PrintStream out, Options options, Format format, KernelLogConfig config, Replay replay, Duration took) {
        if (options.explain()) {
            out.println();
        }
        out.println("rules of " + options.config() + " against " + options.log() + " (" + format.name().toLowerCase(Locale.ROOT)
                + ", bufferSize " + config.bufferSize() + ")");
        out.println();
        int reasonWidth = Math.max(6, config.rules().stream().mapToInt(r -> r.reason().length()).max().orElse(6));
        int conditionWidth = Math.max(9, config.rules().stream().mapToInt(r -> r.condition().length()).max().orElse(9));
        String row = "  %3s  %-" + reasonWidth + "s  %-9s  %-" + conditionWidth + "s  %9s  %10s  %10s%n";
        out.printf(row, "#", "REASON", "TYPE", "CONDITION", "MATCHES", "FIRST LINE", "LAST LINE");
        List<RequiredLiterals> literals = replay.engine.requiredLiterals();
        List<Integer> unfiltered = new ArrayList<>();
        for (int i = 0; i < config.rules().size(); i++) {
            Rule rule = config.rules().get(i);
            Tally t = replay.tallies[i];
            out.printf(row, i, rule.reason(), rule.type(), rule.condition().isEmpty() ? "-" : rule.condition(), String.format("%,d", t.matches),
                    t.matches == 0 ? "-" : String.valueOf(t.firstLine), t.matches == 0 ? "-" : String.valueOf(t.lastLine));
            if (literals.get(i).anyOf().isEmpty()) {
                unfiltered.add(i);
            }
        }
        out.println();
        double seconds = Math.max(took.toNanos(), 1) / 1e9;
        out.printf("%,d lines read, %,d skipped (not %s lines or skipList), %,d matches, in %.2f s: %,.0f lines/s%n",
                replay.linesRead, replay.linesSkipped, format.name().toLowerCase(Locale.ROOT), replay.matches, seconds, replay.linesRead / seconds);
        if (!unfiltered.isEmpty()) {
            out.println("note: rules " + unfiltered + " have no literal the prefilter can look for, so their patterns run on every line;"
                    + " a plain word in the pattern makes them cheap");
        }
    }

    /** One rule's row of {@code --json}; the line numbers are {@code null} while it matched nothing. */
    record RuleReport(int index, String reason, String type, String condition, long matches, Long firstLine, Long lastLine) {
    }

    /** What {@code --json} prints: its fields in this order, written by the agent ({@link CommandContext#json}). */
    record Report(String config, String log, String format, int bufferSize, List<RuleReport> rules, long linesRead, long linesSkipped,
            long matches, BigDecimal seconds, long linesPerSecond) {
    }

    private static void printJson(CommandContext context, Options options, Format format, KernelLogConfig config, Replay replay, Duration took) {
        double seconds = Math.max(took.toNanos(), 1) / 1e9;
        List<RuleReport> rules = new ArrayList<>();
        for (int i = 0; i < config.rules().size(); i++) {
            Rule rule = config.rules().get(i);
            Tally t = replay.tallies[i];
            rules.add(new RuleReport(i, rule.reason(), rule.type().toString(), rule.condition().isEmpty() ? null : rule.condition(), t.matches,
                    t.matches == 0 ? null : t.firstLine, t.matches == 0 ? null : t.lastLine));
        }
        // Three decimals, as a number: a BigDecimal keeps its scale where a double would print 0.1.
        BigDecimal rounded = BigDecimal.valueOf(seconds).setScale(3, RoundingMode.HALF_UP);
        context.out().println(context.json(new Report(options.config().toString(), options.log().toString(), format.name().toLowerCase(Locale.ROOT),
                config.bufferSize(), rules, replay.linesRead, replay.linesSkipped, replay.matches, rounded, Math.round(replay.linesRead / seconds))));
    }
}
