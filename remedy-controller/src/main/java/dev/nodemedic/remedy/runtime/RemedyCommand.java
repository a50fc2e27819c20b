package dev.nodemedic.remedy.runtime;

import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nodemedic-remedy}: the control-plane half of nodemedic. */
@Command(name = "nodemedic-remedy", mixinStandardHelpOptions = true, versionProvider = RemedyCommand.Version.class,
        description = "Acts on node conditions (taint, cordon, drain, reboot request, undo) as NodeRemedyPolicies say, under their budgets.",
        subcommands = CommandLine.HelpCommand.class)
final class RemedyCommand {
    private RemedyCommand() {
    }

    static CommandLine commandLine(Clock clock) {
        CommandLine cli = new CommandLine(new RemedyCommand());
        cli.addSubcommand(new RunCommand(clock));
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RemedyCommand.class.getPackage().getImplementationVersion();
            return new String[] {"nodemedic-remedy " + (version == null ? "(development build)" : version)};
        }
    }
}
