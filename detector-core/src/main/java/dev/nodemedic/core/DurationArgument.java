package dev.nodemedic.core;

import dev.nodemedic.daemon.config.ConfigBinder;
import java.time.Duration;
import picocli.CommandLine;

/** A duration on the command line, read by the agent's one parser ({@code 10s}, {@code 1m30s}, {@code PT30S}). */
public final class DurationArgument implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return ConfigBinder.parseDuration(value);
    }
}
