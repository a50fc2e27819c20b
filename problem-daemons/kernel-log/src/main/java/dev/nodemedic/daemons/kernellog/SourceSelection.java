package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.config.PluginConfig;
import dev.nodemedic.daemons.kernellog.source.BootTime;
import dev.nodemedic.daemons.kernellog.source.FileLineFormat;
import dev.nodemedic.daemons.kernellog.source.FileSource;
import dev.nodemedic.daemons.kernellog.source.JournaldSource;
import dev.nodemedic.daemons.kernellog.source.KmsgSource;
import dev.nodemedic.daemons.kernellog.source.LogSource;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Opens the source a config asks for. With no {@code plugin} (our default), the first this host can
 * read: kmsg, else a syslog file, else journald. A source counts only once it can deliver: the device
 * opens, the file is there, the agent's journal reader says it follows (it does only once the journal
 * holds an entry); a journal that cannot be read is no source, or the node would look healthy to an
 * agent that reads nothing.
 */
final class SourceSelection {
    /** What one attempt came to: a source to read, or every source tried and why none will do. */
    sealed interface Outcome {
        /** The opened source, and one sentence on why it was chosen. */
        record Opened(LogSource source, String why) implements Outcome {
        }

        /** Each source tried, as {@code where: why not}, in the order tried; never empty. */
        record Unavailable(List<String> tried) implements Outcome {
            public Unavailable {
                tried = List.copyOf(tried);
                if (tried.isEmpty()) {
                    throw new IllegalArgumentException("an unavailable source must say what was tried");
                }
            }
        }
    }

    private final Host host;
    private final Clock clock;
    private final System.Logger logger;
    private final Journal journal;

    /** @param journal the agent's journal reader ({@code DaemonContext.journal()}) */
    SourceSelection(Host host, Clock clock, System.Logger logger, Journal journal) {
        this.host = host;
        this.clock = clock;
        this.logger = logger;
        this.journal = journal;
    }

    /**
     * Tries the config's source (or, for {@code AUTO}, each in turn). Only the unavailability of a
     * source is an outcome; a config that cannot work anywhere (a bad timestamp layout) throws.
     */
    Outcome open(KernelLogConfig config, BootTime boot, Instant startTime) throws InterruptedException {
        List<String> tried = new ArrayList<>();
        Optional<Outcome> opened = switch (config.plugin()) {
            case KMSG -> kmsg(kmsgPath(config), boot, startTime, tried).map(source -> new Outcome.Opened(source, "plugin kmsg"));
            case FILELOG -> filelog(config, startTime, tried).map(source -> new Outcome.Opened(source, "plugin filelog"));
            case JOURNALD -> journald(config.logPath(), Journal.Query.identifier(config.pluginConfig().source()), startTime, tried)
                    .map(source -> new Outcome.Opened(source, "plugin journald"));
            case AUTO -> auto(config, boot, startTime, tried);
        };
        return opened.orElseGet(() -> new Outcome.Unavailable(tried));
    }

    private Path kmsgPath(KernelLogConfig config) {
        return config.logPath().isEmpty() ? host.kmsg() : Path.of(config.logPath());
    }

    private Optional<LogSource> filelog(KernelLogConfig config, Instant startTime, List<String> tried) {
        if (!config.logPath().isEmpty()) {
            return file(Path.of(config.logPath()), config.pluginConfig(), config.skipList(), startTime, tried);
        }
        for (Path candidate : host.syslogFiles()) {
            if (Files.isReadable(candidate)) {
                return file(candidate, config.pluginConfig(), config.skipList(), startTime, tried);
            }
            tried.add(candidate + ": " + (Files.exists(candidate) ? "not readable" : "not there") + " (no logPath in the config, so the usual syslog files)");
        }
        return Optional.empty();
    }

    private Optional<Outcome> auto(KernelLogConfig config, BootTime boot, Instant startTime, List<String> tried) throws InterruptedException {
        Optional<LogSource> kmsg = kmsg(kmsgPath(config), boot, startTime, tried);
        if (kmsg.isPresent()) {
            return Optional.of(new Outcome.Opened(kmsg.get(), "the kernel log device is readable"));
        }
        for (Path file : host.syslogFiles()) {
            if (Files.isReadable(file)) {
                PluginConfig format = config.pluginConfig().timestamp().isEmpty() ? KernLogFormat.PLUGIN_CONFIG : config.pluginConfig();
                Optional<LogSource> opened = file(file, format, config.skipList(), startTime, tried);
                if (opened.isPresent()) {
                    return Optional.of(new Outcome.Opened(opened.get(), passedOver(tried)));
                }
            } else {
                tried.add(file + ": " + (Files.exists(file) ? "not readable" : "not there"));
            }
        }
        return journald("", Journal.Query.kernel(), startTime, tried).map(source -> new Outcome.Opened(source, passedOver(tried)));
    }

    private static String passedOver(List<String> tried) {
        return "passed over " + String.join("; ", tried);
    }

    private Optional<LogSource> kmsg(Path device, BootTime boot, Instant startTime, List<String> tried) {
        try {
            return Optional.of(new KmsgSource(KmsgSource.openDevice(device), device.toString(), boot, startTime, logger));
        } catch (IOException e) {
            tried.add(device + ": " + reason(e));
            return Optional.empty();
        }
    }

    private Optional<LogSource> file(Path path, PluginConfig plugin, List<String> skipList, Instant startTime, List<String> tried) {
        if (!Files.exists(path)) {
            tried.add(path + ": not there; check logPath, or the hostPath mount of the agent's pod");
            return Optional.empty();
        }
        FileLineFormat format = new FileLineFormat(plugin.timestamp(), plugin.message(), plugin.timestampFormat(), host.zone(), clock);
        return Optional.of(new FileSource(path, format, skipList, startTime, host.filePoll(), clock, logger));
    }

    private Optional<LogSource> journald(String directory, Journal.Query match, Instant startTime, List<String> tried) throws InterruptedException {
        // NPD checks the directory itself, because the journal library would create a missing one.
        if (!directory.isEmpty() && !Files.isDirectory(Path.of(directory))) {
            tried.add(directory + ": journal directory not there; check logPath (hosts with a volatile journal keep it in /run/log/journal)");
            return Optional.empty();
        }
        Journal.Query query = directory.isEmpty() ? match : match.in(Path.of(directory));
        try {
            return Optional.of(JournaldSource.follow(journal, query, startTime, host.journalCheck(), logger));
        } catch (IOException e) {
            tried.add(e.getMessage());
            return Optional.empty();
        }
    }

    /** The operating system's words without the path, which the caller puts first. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException refused && refused.getReason() != null) {
            return refused.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "not there";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
