package dev.nodemedic.core;

import dev.nodemedic.core.report.ReportCommand;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nodemedic} command with every sub-command: for its usage, {@code help}, and a first word that is none of them. */
@Command(subcommands = {RunCommand.class, CheckConfigCommand.class, ReportCommand.class, VersionCommand.class, NodemedicCommand.Help.class})
final class NodemedicCommand extends NodemedicRoot {
    NodemedicCommand(Path home) {
        super(home);
    }

    /**
     * The command line for these arguments: a first word that names one of the sub-commands (but
     * {@code help}, which lists them all) gets the root with that sub-command only; anything else the
     * whole tree, whose usage and suggestions name every command.
     */
    static CommandLine commandLine(Path home, String... args) {
        Optional<Class<?>> named = args.length == 0 ? Optional.empty() : subcommand(args[0]).filter(type -> type != Help.class);
        if (named.isEmpty()) {
            return new CommandLine(new NodemedicCommand(home));
        }
        CommandLine root = new CommandLine(new NodemedicRoot(home));
        root.addSubcommand(named.get());
        return root;
    }

    /** The sub-command of that name, as this class's {@code @Command} lists them. */
    static Optional<Class<?>> subcommand(String name) {
        return Arrays.stream(NodemedicCommand.class.getAnnotation(Command.class).subcommands())
                .filter(type -> type.getAnnotation(Command.class).name().equals(name))
                .findFirst();
    }

    @Command(name = "help", description = "Shows this help and the commands the installed plugins add.")
    static final class Help implements Callable<Integer> {
        @CommandLine.ParentCommand
        NodemedicCommand parent;

        @Override
        public Integer call() {
            CommandLine root = parent.spec.commandLine();
            root.usage(root.getOut());
            new PluginCommands(parent.home.resolve("plugins"), parent.home, System.getenv()).describe(root.getOut());
            return 0;
        }
    }
}
