package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.api.FakeJournal;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemon.config.JsonLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A command's context that keeps what it printed, and reads configs and writes JSON as the agent does. */
final class FakeCommandContext implements CommandContext {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    private final ConfigBinder binder = new ConfigBinder();
    private final Clock clock;
    private final FakeJournal journal;

    FakeCommandContext(Clock clock) {
        this.clock = clock;
        this.journal = new FakeJournal(clock);
    }

    @Override
    public FakeJournal journal() {
        return journal;
    }

    @Override
    public PrintStream out() {
        return outStream;
    }

    @Override
    public PrintStream err() {
        return errStream;
    }

    @Override
    public Clock clock() {
        return clock;
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

    String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
