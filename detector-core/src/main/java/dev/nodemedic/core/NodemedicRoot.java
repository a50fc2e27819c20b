package dev.nodemedic.core;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code nodemedic} command without its sub-commands. {@link NodemedicCommand} adds them all;
 * {@link Main} builds a command line that names one of them on this root with that one only, so that
 * a start does not pay for picocli's model of every other command (≈ 0.2 s of CPU: docs/benchmarks.md,
 * "Where the start goes"). picocli merges the {@code @Command} of a class with its superclass's.
 */
@Command(name = "nodemedic",
        mixinStandardHelpOptions = true,
        // Sub-commands inherit --help and --version.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = NodemedicRoot.Version.class,
        description = {"Finds what is wrong with a Kubernetes node and says so as NodeConditions, Events, metrics and a status page.", ""},
        footer = {"", "Plugins in the plugins folder may add commands (the kernel-log plugin adds 'rules'); 'nodemedic help' lists them."})
class NodemedicRoot implements Callable<Integer> {
    final Path home;

    @Spec
    CommandSpec spec;

    NodemedicRoot(Path home) {
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
}
