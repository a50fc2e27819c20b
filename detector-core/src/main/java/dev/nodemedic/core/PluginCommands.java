package dev.nodemedic.core;

import dev.nodemedic.core.journal.HostJournal;
import dev.nodemedic.core.plugins.LoadOutcome;
import dev.nodemedic.core.plugins.PluginHost;
import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.api.DaemonCommand;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemon.config.JsonLine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The sub-commands plugins add ({@link DaemonCommand}), found by loading the jars of the plugins folder
 * with the trust the agent gives them ({@link PluginCommandTrust}): a jar the agent would refuse runs no
 * code here either.
 */
final class PluginCommands {
    private final Path pluginsDir;
    private final Path home;
    private final Map<String, String> environment;

    /** @param home the installation, whose {@code config/nodemedic.yaml} is the agent config unless the environment names another */
    PluginCommands(Path pluginsDir, Path home, Map<String, String> environment) {
        this.pluginsDir = pluginsDir;
        this.home = home;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Runs the plugin command {@code name}; empty when no plugin that may load brings one of that name,
     * after saying on {@code err} which jars were refused (one of them may have brought it).
     */
    OptionalInt run(String name, List<String> args, PrintStream out, PrintStream err) {
        PluginCommandTrust trust;
        try {
            trust = PluginCommandTrust.of(home, environment);
        } catch (ConfigException e) {
            err.println("nodemedic " + name + ": " + e.getMessage() + "; no plugin jar is loaded while the agent config's pluginDigests cannot be"
                    + " told — fix the file (nodemedic check-config FILE tells what is wrong)");
            return OptionalInt.of(2);
        }
        try (PluginHost host = new PluginHost(pluginsDir, trust.trust())) {
            List<LoadOutcome.Refused> refused = new ArrayList<>();
            Optional<DaemonCommand> found = find(host, name, refused);
            if (found.isEmpty()) {
                for (LoadOutcome.Refused jar : refused) {
                    err.println("nodemedic " + name + ": refused " + jar.why() + " (" + trust.configNote() + ")");
                }
                return OptionalInt.empty();
            }
            DaemonCommand command = found.get();
            // Made on the first bind: building its mappers is most of a short command's own work, and
            // NPD's helpers (log-counter, health-checker, run every few seconds) read no config file.
            Supplier<ConfigBinder> binder = new Supplier<>() {
                private ConfigBinder made;

                @Override
                public ConfigBinder get() {
                    if (made == null) {
                        made = new ConfigBinder();
                    }
                    return made;
                }
            };
            // The agent's journal reader, made only for a command that reads the journal.
            HostJournal[] journal = new HostJournal[1];
            CommandContext context = new CommandContext() {
                @Override
                public PrintStream out() {
                    return out;
                }

                @Override
                public PrintStream err() {
                    return err;
                }

                @Override
                public Clock clock() {
                    return Clock.systemUTC();
                }

                @Override
                public <T> T bind(Path file, Class<T> type) throws ConfigException {
                    return binder.get().bind(file, type);
                }

                @Override
                public Duration duration(String text) {
                    return ConfigBinder.parseDuration(text);
                }

                @Override
                public String json(Object value) {
                    return JsonLine.of(value);
                }

                @Override
                public Journal journal() {
                    if (journal[0] == null) {
                        journal[0] = HostJournal.forNode(clock());
                    }
                    return journal[0];
                }
            };
            try {
                return OptionalInt.of(command.run(context, args));
            } catch (Exception e) {
                err.println("nodemedic " + name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                return OptionalInt.of(1);
            } finally {
                if (journal[0] != null) {
                    journal[0].close();
                }
            }
        }
    }

    void describe(PrintWriter out) {
        PluginCommandTrust trust;
        try {
            trust = PluginCommandTrust.of(home, environment);
        } catch (ConfigException e) {
            out.println();
            out.println("Commands from plugins in " + pluginsDir + " are not listed: " + e.getMessage());
            out.flush();
            return;
        }
        try (PluginHost host = new PluginHost(pluginsDir, trust.trust())) {
            List<LoadOutcome.Refused> refused = new ArrayList<>();
            List<DaemonCommand> commands = all(host, refused);
            if (!commands.isEmpty()) {
                out.println();
                out.println("Commands from plugins in " + pluginsDir + ":");
                for (DaemonCommand command : commands) {
                    out.printf("  %-13s %s%n", command.name(), command.description());
                }
            }
            if (!refused.isEmpty()) {
                out.println();
                out.println("Plugins refused in " + pluginsDir + ", whose commands do not run (" + trust.configNote() + "):");
                refused.forEach(jar -> out.println("  " + jar.why()));
            }
            out.flush();
        }
    }

    /**
     * The first jar's command of that name; the jars after it are not loaded (a helper NPD runs every 10 s
     * pays for one jar, not all). The jars refused on the way are added to {@code refused}.
     */
    private static Optional<DaemonCommand> find(PluginHost host, String name, List<LoadOutcome.Refused> refused) {
        for (Path jar : jars(host)) {
            switch (host.load(jar)) {
                case LoadOutcome.Refused no -> refused.add(no);
                case LoadOutcome.HeldBack never -> {
                    // load(jar) holds nothing back: only the agent leaves jars unloaded.
                }
                case LoadOutcome.Loaded loaded -> {
                    for (Class<?> type : loaded.commands()) {
                        DaemonCommand command = (DaemonCommand) host.create(type);
                        if (command.name().equals(name)) {
                            return Optional.of(command);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<DaemonCommand> all(PluginHost host, List<LoadOutcome.Refused> refused) {
        List<DaemonCommand> commands = new ArrayList<>();
        for (Path jar : jars(host)) {
            switch (host.load(jar)) {
                case LoadOutcome.Refused no -> refused.add(no);
                case LoadOutcome.HeldBack never -> {
                    // load(jar) holds nothing back: only the agent leaves jars unloaded.
                }
                case LoadOutcome.Loaded loaded -> loaded.commands().forEach(type -> commands.add((DaemonCommand) host.create(type)));
            }
        }
        return commands;
    }

    private static List<Path> jars(PluginHost host) {
        Path dir = host.pluginsDir();
        List<Path> jars = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return jars;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.jar")) {
            entries.forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugins folder " + dir, e);
        }
        jars.sort(null);
        return jars;
    }
}
