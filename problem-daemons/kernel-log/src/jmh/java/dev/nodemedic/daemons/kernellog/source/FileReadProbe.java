package dev.nodemedic.daemons.kernellog.source;

import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.rules.Match;
import dev.nodemedic.daemons.kernellog.rules.RuleEngine;
import dev.nodemedic.daemons.kernellog.config.PluginConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;

/**
 * The daemon's reading path without the agent: {@link FileSource} on a file from its start, its
 * config's {@code pluginConfig}, and (unless {@code noengine}) the rule engine, three rounds in one JVM;
 * prints the reader thread's CPU time per round. Run it as the agent runs (C1 only) to see where a
 * line's time goes:
 *
 * <pre>
 * java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp ... dev.nodemedic.daemons.kernellog.source.FileReadProbe CONFIG LOG LINES [noengine]
 * </pre>
 */
public final class FileReadProbe {
    private FileReadProbe() {
    }

    public static void main(String[] args) throws Exception {
        KernelLogConfig config = new ConfigBinder().bind(Path.of(args[0]), KernelLogConfig.class);
        Path log = Path.of(args[1]);
        long lines = Long.parseLong(args[2]);
        boolean engineOn = args.length < 4 || !args[3].equals("noengine");
        PluginConfig plugin = config.pluginConfig();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Consumer<Match> ignore = match -> {
        };
        for (int round = 0; round < 3; round++) {
            RuleEngine engine = new RuleEngine(config.rules(), config.bufferSize());
            FileLineFormat format = new FileLineFormat(plugin.timestamp(), plugin.message(), plugin.timestampFormat(), ZoneId.systemDefault(),
                    Clock.systemUTC());
            FileSource source = new FileSource(log, format, List.of(), Instant.EPOCH, Duration.ofSeconds(1), Clock.systemUTC(), System.getLogger("probe"));
            long[] seen = {0};
            long cpu = threads.getCurrentThreadCpuTime();
            // As the daemon's sink: a file's lines reach the engine as bytes.
            source.run(new LineSink() {
                @Override
                public void line(Instant timestamp, String message) {
                    if (engineOn) {
                        engine.push(message, timestamp, ignore);
                    }
                    seen();
                }

                @Override
                public void line(Instant timestamp, byte[] utf8, int offset, int length) {
                    if (engineOn) {
                        engine.push(utf8, offset, length, timestamp, ignore);
                    }
                    seen();
                }

                private void seen() {
                    if (++seen[0] == lines) {
                        source.close();
                    }
                }
            });
            double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            System.out.printf("round %d: %,d lines, reader CPU %.3f s = %,.0f lines per CPU-second%n", round, seen[0], seconds, seen[0] / seconds);
        }
    }
}
