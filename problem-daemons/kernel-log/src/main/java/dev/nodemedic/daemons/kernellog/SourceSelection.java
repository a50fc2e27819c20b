package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemons.kernellog.rules.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.rules.PluginConfig;
import dev.nodemedic.daemons.kernellog.source.BootTime;
import dev.nodemedic.daemons.kernellog.source.FileLineFormat;
import dev.nodemedic.daemons.kernellog.source.FileSource;
import dev.nodemedic.daemons.kernellog.source.JournaldSource;
import dev.nodemedic.daemons.kernellog.source.KmsgSource;
import dev.nodemedic.daemons.kernellog.source.LogSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the source a config asks for. With no {@code plugin} (our default), the first this host can
 * read: kmsg, else a syslog file, else journald; the choice and why the others were passed over are
 * said in the log.
 */
final class SourceSelection {
    /** The opened source, and one sentence on why it was chosen. */
    record Chosen(LogSource source, String why) {
    }

    private final Host host;
    private final Clock clock;
    private final System.Logger logger;

    SourceSelection(Host host, Clock clock, System.Logger logger) {
        this.host = host;
        this.clock = clock;
        this.logger = logger;
    }

    Chosen open(KernelLogConfig config, BootTime boot, Instant startTime) throws IOException {
        return switch (config.plugin()) {
            case KMSG -> new Chosen(kmsg(config.logPath().isEmpty() ? host.kmsg() : Path.of(config.logPath()), boot, startTime), "plugin kmsg");
            case FILELOG -> new Chosen(file(filelogPath(config), config.pluginConfig(), startTime), "plugin filelog");
            case JOURNALD -> new Chosen(journald(config.logPath(), "SYSLOG_IDENTIFIER=" + config.pluginConfig().source(), startTime), "plugin journald");
            case AUTO -> auto(config, boot, startTime);
        };
    }

    private Path filelogPath(KernelLogConfig config) throws NoSuchFileException {
        if (!config.logPath().isEmpty()) {
            return Path.of(config.logPath());
        }
        for (Path candidate : host.syslogFiles()) {
            if (Files.isReadable(candidate)) {
                return candidate;
            }
        }
        throw new NoSuchFileException(String.valueOf(host.syslogFiles()), null, "no logPath in the config and none of these syslog files is readable");
    }

    private Chosen auto(KernelLogConfig config, BootTime boot, Instant startTime) throws IOException {
        List<String> passedOver = new ArrayList<>();
        Path kmsg = config.logPath().isEmpty() ? host.kmsg() : Path.of(config.logPath());
        try {
            return new Chosen(kmsg(kmsg, boot, startTime), "the kernel log device is readable");
        } catch (IOException e) {
            passedOver.add(kmsg + ": " + reason(e));
        }
        for (Path file : host.syslogFiles()) {
            if (Files.isReadable(file)) {
                PluginConfig format = config.pluginConfig().timestamp().isEmpty() ? KernLogFormat.PLUGIN_CONFIG : config.pluginConfig();
                return new Chosen(file(file, format, startTime), "passed over " + String.join("; ", passedOver));
            }
            passedOver.add(file + ": " + (Files.exists(file) ? "not readable" : "not there"));
        }
        if (onPath(host.journalctl())) {
            return new Chosen(journald("", "_TRANSPORT=kernel", startTime), "passed over " + String.join("; ", passedOver));
        }
        passedOver.add(host.journalctl() + ": not found on PATH");
        throw new IOException("no kernel log this agent can read: " + String.join("; ", passedOver)
                + ". Mount /dev/kmsg (with CAP_SYSLOG) or /var/log into the pod, or name a source with \"plugin\" in the config");
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "not there";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private KmsgSource kmsg(Path device, BootTime boot, Instant startTime) throws IOException {
        return new KmsgSource(KmsgSource.openDevice(device), device.toString(), boot, startTime, logger);
    }

    private FileSource file(Path path, PluginConfig plugin, Instant startTime) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "log file not found; check logPath, or the hostPath mount of the agent's pod");
        }
        FileLineFormat format = new FileLineFormat(plugin.timestamp(), plugin.message(), plugin.timestampFormat(), host.zone(), clock);
        return new FileSource(path, format, startTime, host.filePoll(), logger);
    }

    private JournaldSource journald(String directory, String match, Instant startTime) throws IOException {
        // NPD checks the directory itself, because the journal library would create a missing one.
        if (!directory.isEmpty() && !Files.isDirectory(Path.of(directory))) {
            throw new NoSuchFileException(directory, null, "journal directory not found; check logPath (hosts with a volatile journal keep it in /run/log/journal)");
        }
        return new JournaldSource(new JournaldSource.Command(host.journalctl(), directory, match), startTime, host.journalBackoff(), host.journalMaxBackoff(), logger);
    }

    private static boolean onPath(String command) {
        if (command.contains(File.separator)) {
            return Files.isExecutable(Path.of(command));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
