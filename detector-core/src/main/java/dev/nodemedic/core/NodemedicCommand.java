package dev.nodemedic.core;

import dev.nodemedic.core.report.ReportCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "nodemedic",
        mixinStandardHelpOptions = true,
        // Sub-commands inherit --help and --version.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = NodemedicCommand.Version.class,
        description = {"Finds what is wrong with a Kubernetes node and says so as NodeConditions, Events, metrics and a status page.", ""},
        footer = {"", "Plugins in the plugins folder may add commands (the kernel-log plugin adds 'rules'); 'nodemedic help' lists them."},
        subcommands = {RunCommand.class, CheckConfigCommand.class, ReportCommand.class, VersionCommand.class, NodemedicCommand.Help.class})
final class NodemedicCommand implements Callable<Integer> {
    final Path home;

    @Spec
    CommandSpec spec;

    NodemedicCommand(Path home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            AgentVersion v = AgentVersion.ofThisBuild();
            return new String[] {"nodemedic " + v.version() + " (daemon-api " + v.daemonApiVersion() + ")"};
        }
    }

    @Command(name = "help", description = "Shows this help and the commands the installed plugins add.")
    static final class Help implements Callable<Integer> {
        @CommandLine.ParentCommand
        NodemedicCommand parent;

        @Override
        public Integer call() {
            CommandLine root = parent.spec.commandLine();
            root.usage(root.getOut());
            new PluginCommands(parent.home.resolve("plugins")).describe(root.getOut());
            return 0;
        }
    }
}
