package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPD's series on {@code /metrics} from the first scrape, as NPD's {@code initializeProblemMetricsOrDie}
 * makes them: the real kernel-log and custom-plugin jars with NPD's rules, scraped over HTTP before
 * any line is written, so that {@code increase(problem_counter{reason="OOMKilling"}[5m]) > 0} fires on
 * a node's first OOM kill.
 */
class NpdSeriesTest {
    private static final Duration BOUND = Duration.ofSeconds(10);
    /** Syslog's timestamp, as NPD's filelog config reads it; local time, like the log's writer. */
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    @TempDir
    Path root;

    private Agent agent;

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    private String metrics() {
        return AgentMetrics.scrape(agent);
    }

    private boolean running(String instance) {
        return agent.supervisor().statuses().stream().anyMatch(d -> d.instanceName().equals(instance) && d.state() == DaemonState.RUNNING);
    }

    /** Polls /metrics until {@code check} holds, within {@link #BOUND}. */
    private void awaitMetrics(String what, Predicate<String> check) throws InterruptedException {
        RecordingDaemonContext.awaitTrue(what, BOUND, () -> check.test(metrics()));
    }

    @Test
    void everyRuleReasonIsOnMetricsBeforeTheFirstProblemAndLeavesWithItsJar() throws Exception {
        Path log = Files.writeString(root.resolve("kern.log"), "");
        Path config = Files.createDirectories(root.resolve("config"));
        // The kernel-log plugin's copy of NPD's kernel-monitor-filelog.json, reading our empty file.
        Files.writeString(config.resolve("kernel-monitor.json"),
                Files.readString(Path.of("../problem-daemons/kernel-log/src/main/resources/config/kernel-monitor-filelog.json"))
                        .replace("/var/log/kern.log", log.toString()));
        Path check = Files.writeString(root.resolve("check_ntp.sh"), "#!/bin/sh\necho ntp is up\nexit 0\n");
        Files.setPosixFilePermissions(check, PosixFilePermissions.fromString("rwxr-xr-x"));
        // NPD's custom-plugin-monitor.json shape: NTPIsDown both as an Event and as NTPProblem's reason.
        Files.writeString(config.resolve("ntp.json"), """
                {"plugin": "custom", "source": "ntp-custom-plugin-monitor",
                 "pluginConfig": {"invoke_interval": "1h", "timeout": "5s"},
                 "conditions": [{"type": "NTPProblem", "reason": "NTPIsUp", "message": "ntp service is up"}],
                 "rules": [{"type": "temporary", "reason": "NTPIsDown", "path": "%1$s"},
                           {"type": "permanent", "condition": "NTPProblem", "reason": "NTPIsDown", "path": "%1$s"}]}
                """.formatted(check));
        Path kernelLogJar = TestPlugins.install(TestPlugins.KERNEL_LOG, root.resolve("plugins"), "kernel-log.jar");
        TestPlugins.install(TestPlugins.CUSTOM_PLUGIN, root.resolve("plugins"), "custom-plugin.jar");
        AgentConfig agentConfig = new AgentConfig("node-a", root.resolve("plugins"), config, new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null,
                List.of(new DaemonInstanceConfig("kernel-log", "kernel-monitor", config.resolve("kernel-monitor.json"), true),
                        new DaemonInstanceConfig("custom-plugin", "ntp-custom-plugin-monitor", config.resolve("ntp.json"), true)),
                null, new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        agent = Agent.start(agentConfig, "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
        RecordingDaemonContext.awaitTrue("both daemons to run", BOUND, () -> running("kernel-monitor") && running("ntp-custom-plugin-monitor"));

        assertThat(Files.size(log)).as("no line written yet").isZero();
        assertThat(metrics()).contains(
                "problem_counter{reason=\"OOMKilling\"} 0\n", "problem_counter{reason=\"TaskHung\"} 0\n",
                "problem_counter{reason=\"UnregisterNetDevice\"} 0\n", "problem_counter{reason=\"KernelOops\"} 0\n",
                "problem_counter{reason=\"Ext4Error\"} 0\n", "problem_counter{reason=\"Ext4Warning\"} 0\n", "problem_counter{reason=\"IOError\"} 0\n",
                "problem_counter{reason=\"MemoryReadError\"} 0\n", "problem_counter{reason=\"DockerHung\"} 0\n",
                "problem_counter{reason=\"FilesystemIsReadOnly\"} 0\n", "problem_counter{reason=\"XfsHasShutdown\"} 0\n",
                "problem_gauge{reason=\"DockerHung\",type=\"KernelDeadlock\"} 0\n",
                "problem_gauge{reason=\"FilesystemIsReadOnly\",type=\"ReadonlyFilesystem\"} 0\n",
                "problem_gauge{reason=\"XfsHasShutdown\",type=\"XfsShutdown\"} 0\n",
                "problem_counter{reason=\"NTPIsDown\"} 0\n", "problem_counter{reason=\"CheckTimedOut\"} 0\n",
                "problem_gauge{reason=\"NTPIsDown\",type=\"NTPProblem\"} 0\n");

        String now = SYSLOG_TIME.format(LocalDateTime.now());
        Files.writeString(log, now + " node-a kernel: [ 1235.000001] Out of memory: Killed process 4242 (java) total-vm:1234kB, anon-rss:1000kB,"
                + " file-rss:0kB, shmem-rss:0kB\n" + now + " node-a kernel: [ 1236.000001] task docker:7 blocked for more than 120 seconds.\n",
                StandardOpenOption.APPEND);
        awaitMetrics("the OOM kill and the deadlock counted once each", text -> text.contains("problem_counter{reason=\"OOMKilling\"} 1\n")
                && text.contains("problem_gauge{reason=\"DockerHung\",type=\"KernelDeadlock\"} 1\n"));
        // kernel-log emits NPD's condition-change Event with the condition: one problem. NPD's TaskHung rule matches the line too.
        assertThat(metrics()).contains("problem_counter{reason=\"DockerHung\"} 1\n", "problem_counter{reason=\"TaskHung\"} 1\n",
                "problem_counter{reason=\"Ext4Error\"} 0\n");

        Files.delete(kernelLogJar);
        awaitMetrics("kernel-monitor's series at 0 to leave with its jar", text -> !text.contains("problem_counter{reason=\"Ext4Error\"}"));
        assertThat(metrics()).as("what was counted stays, as NPD's counters do: dropping them would read as a reset")
                .contains("problem_counter{reason=\"OOMKilling\"} 1\n", "problem_counter{reason=\"DockerHung\"} 1\n", "problem_counter{reason=\"TaskHung\"} 1\n")
                .doesNotContain("type=\"KernelDeadlock\"", "problem_counter{reason=\"IOError\"}")
                .contains("problem_counter{reason=\"NTPIsDown\"} 0\n", "problem_gauge{reason=\"NTPIsDown\",type=\"NTPProblem\"} 0\n");
    }
}
