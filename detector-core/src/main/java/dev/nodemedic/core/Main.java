package dev.nodemedic.core;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;

/** The {@code nodemedic} command. The only place that calls System.exit. */
public final class Main {
    private static final Set<String> OWN = Set.of("run", "check-config", "version", "help");

    private Main() {
    }

    public static void main(String[] args) {
        // Before anything logs: JUL reads this once, when it starts.
        System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        System.exit(execute(args));
    }

    static int execute(String... args) {
        Path home = Path.of(System.getProperty("nodemedic.home", ".")).toAbsolutePath().normalize();
        // A first word that is not ours may be a plugin's command (such as kernel-log's "rules").
        if (args.length > 0 && !args[0].startsWith("-") && !OWN.contains(args[0])) {
            PluginCommands commands = new PluginCommands(home.resolve("plugins"));
            if (commands.has(args[0])) {
                return commands.run(args[0], Arrays.asList(args).subList(1, args.length), System.out, System.err);
            }
        }
        CommandLine cli = new CommandLine(new NodemedicCommand(home));
        return cli.execute(args);
    }
}
