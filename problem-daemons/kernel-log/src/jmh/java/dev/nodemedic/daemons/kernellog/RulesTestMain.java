package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemon.config.JsonLine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code nodemedic rules test} without the agent around it, for timing a whole run with the JVM's
 * start included: the same command, the same config binding, on the classpath of this module.
 */
public final class RulesTestMain {
    private RulesTestMain() {
    }

    public static void main(String[] args) throws Exception {
        ConfigBinder binder = new ConfigBinder();
        CommandContext context = new CommandContext() {
            @Override
            public PrintStream out() {
                return System.out;
            }

            @Override
            public PrintStream err() {
                return System.err;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public <T> T bind(Path file, Class<T> type) throws ConfigException {
                return binder.bind(file, type);
            }

            @Override
            public Duration duration(String text) {
                return ConfigBinder.parseDuration(text);
            }

            @Override
            public String json(Object value) {
                return JsonLine.of(value);
            }
        };
        System.exit(new RulesCommand().run(context, List.of(args)));
    }
}
