package dev.nodemedic.core;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", description = "Prints the version of nodemedic and of the daemon-api it hosts.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AgentVersion v = AgentVersion.ofThisBuild();
        spec.commandLine().getOut().println("nodemedic " + v.version() + " (daemon-api " + v.daemonApiVersion() + ", Java " + Runtime.version() + ")");
        return 0;
    }
}
