package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.supervision.DaemonStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The agent started from NPD's command line with the real plugin jars beside it: it runs the monitors
 * the flags name, one daemon instance per file, and none of the built-in daemons NPD's flags do not name,
 * so NPD's configs never meet a built-in daemon claiming the same condition type.
 */
class NpdCommandLineAgentTest {
    @TempDir
    Path root;

    private Agent agent;

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    private Path npdConfig(String name) throws Exception {
        Path config = Files.createDirectories(root.resolve("config")).resolve(name);
        try (var in = getClass().getResourceAsStream("/npd/" + name)) {
            Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
        }
        return config;
    }

    @Test
    void theMonitorsNpdsFlagsNameRunAndNothingElse() throws Exception {
        Path plugins = root.resolve("plugins");
        for (String jar : List.of(TestPlugins.KERNEL_LOG, TestPlugins.CUSTOM_PLUGIN, TestPlugins.KUBELET_HEALTH, TestPlugins.CONTAINER_RUNTIME,
                TestPlugins.REBOOT_REQUIRED)) {
            TestPlugins.install(jar, plugins, jar);
        }
        // NPD's healthchecker DaemonSet's command line (deployment/node-problem-detector-healthchecker.yaml), with these files.
        List<String> argv = new ArrayList<>(List.of("run", "--logtostderr",
                "--config.system-log-monitor=" + npdConfig("kernel-monitor.json") + "," + npdConfig("docker-monitor.json"),
                "--config.custom-plugin-monitor=" + npdConfig("health-checker-kubelet.json") + "," + npdConfig("systemd-monitor-counter.json")));
        CommandLine.ParseResult parsed = new CommandLine(new NodemedicCommand(root)).parseArgs(argv.toArray(String[]::new));
        NpdFlags npd = ((RunCommand) parsed.subcommand().commandSpec().userObject()).npd;
        AgentConfig config = npd.applyTo(new AgentConfig("node-a", plugins, root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null, null, null, new AgentConfig.ReportConfig(false, null, null, null, null, null)));

        agent = Agent.start(config, "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());

        // No built-in daemon runs beside NPD's monitors (kubelet-health, container-runtime and reboot-required are in the
        // folder): none claims KubeletUnhealthy or a restart counter first, and none of NPD's monitors is refused.
        assertThat(agent.supervisor().statuses()).extracting(DaemonStatus::instanceName)
                .containsExactlyInAnyOrder("kernel-monitor", "docker-monitor", "health-checker-kubelet", "systemd-monitor-counter");
        assertThat(agent.reporter().book().snapshot().conditions().keySet()).containsExactlyInAnyOrder("KernelDeadlock", "ReadonlyFilesystem", "CorruptDockerOverlay2",
                "KubeletUnhealthy", "FrequentKubeletRestart", "FrequentContainerdRestart");
    }
}
