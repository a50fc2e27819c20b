package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A reloaded agent config gets the command line's flags applied over it again, as at start: NPD's flags still name their monitors. */
class AgentConfigReloadFlagsTest {
    @TempDir
    Path root;

    @Test
    void npdsFlagsAndTheRunFlagsApplyOverTheReloadedFileAsTheyDidAtStart() throws Exception {
        Path file = Files.writeString(root.resolve("agent.yaml"), """
                status: {port: 20999}
                daemons:
                  - {daemon: kernel-log, name: kernel-monitor, config: kernel.json}
                """);
        CommandLine.ParseResult parsed = new CommandLine(new NodemedicCommand(root)).parseArgs("run", "--config=" + file,
                "--config.custom-plugin-monitor=" + root.resolve("ntp.json"), "--port=20300", "--status-address=10.0.0.7");
        RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
        var source = run.reloadSource(file, true);
        AgentConfig atStart = source.read(Files.readString(file));

        Files.writeString(file, """
                status: {port: 20999}
                daemons:
                  - {daemon: kernel-log, name: kernel-monitor, config: kernel.json}
                  - {daemon: kernel-log, name: docker-monitor, config: docker.json}
                """);
        AgentConfig reloaded = source.read(Files.readString(file));

        assertThat(atStart.daemons()).extracting(DaemonInstanceConfig::instanceName).containsExactly("kernel-monitor", "ntp");
        assertThat(reloaded.daemons()).extracting(DaemonInstanceConfig::instanceName).containsExactly("kernel-monitor", "docker-monitor", "ntp");
        assertThat(reloaded.onlyListedDaemons()).as("NPD's flags name the monitors that run").isTrue();
        assertThat(reloaded.status()).as("--port and --status-address win over the file, as at start")
                .isEqualTo(atStart.status()).isEqualTo(new AgentConfig.StatusConfig("10.0.0.7", 20300));
        assertThat(reloaded.report()).isEqualTo(atStart.report());
    }
}
