package dev.nodemedic.core;

import dev.nodemedic.apiserver.logging.ShutdownLogManager;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.logging.Level;
import picocli.CommandLine;

/** The {@code nodemedic} command. The only place that calls System.exit. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before anything logs: JUL reads this once, when it starts.
        System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        Path home = Path.of(System.getProperty("nodemedic.home", ".")).toAbsolutePath().normalize();
        System.exit(execute(home, System.out, System.err, args));
    }

    static int execute(Path home, PrintStream out, PrintStream err, String... args) {
        return execute(home, System.getenv(), out, err, args);
    }

    /** @param environment where a plugin command finds the agent config ({@link PluginCommandTrust}) */
    static int execute(Path home, Map<String, String> environment, PrintStream out, PrintStream err, String... args) {
        // Quiet until a command says otherwise: 'run' logs at INFO, the rest only warnings.
        LogFormat.text.install(Level.WARNING);
        // A first word that is not ours may be a plugin's command (such as kernel-log's "rules").
        if (args.length > 0 && !args[0].startsWith("-") && NodemedicCommand.subcommand(args[0]).isEmpty()) {
            OptionalInt exit = new PluginCommands(home.resolve("plugins"), home, environment).run(args[0], Arrays.asList(args).subList(1, args.length), out, err);
            if (exit.isPresent()) {
                return exit.getAsInt();
            }
        }
        CommandLine cli = NodemedicCommand.commandLine(home, args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
