package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's metrics carry the help its daemon gives them on the agent's {@code /metrics}, as the agent's own
 * do: the real kernel-log jar, run as two instances of one daemon, scraped over HTTP.
 */
class PluginMetricHelpTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

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

    /** Every {@code # HELP} line of {@code metric} in {@code exposition}. */
    private static List<String> helpLines(String exposition, String metric) {
        List<String> lines = new ArrayList<>();
        Matcher help = Pattern.compile("(?m)^# HELP " + Pattern.quote(metric) + " (.*)$").matcher(exposition);
        while (help.find()) {
            lines.add(help.group(1));
        }
        return lines;
    }

    @Test
    void kernelLogsMetricsHaveTheirHelpOnceForTwoInstances() throws Exception {
        Path log = Files.writeString(root.resolve("kern.log"), "");
        Path config = Files.createDirectories(root.resolve("config"));
        Files.writeString(config.resolve("kernel-monitor.json"),
                Files.readString(Path.of("../problem-daemons/kernel-log/src/main/resources/config/kernel-monitor-filelog.json"))
                        .replace("/var/log/kern.log", log.toString()));
        // A second instance of the same daemon, owning no condition type, so the two can run side by side.
        Files.writeString(config.resolve("oom-monitor.json"), """
                {"plugin": "filelog", "logPath": "%s", "source": "oom-monitor",
                 "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: (?:\\\\[\\\\s*[\\\\d.]+\\\\] )?(.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [],
                 "rules": [{"type": "temporary", "reason": "OOMKilling", "pattern": "Killed process \\\\d+ (.+)"}]}
                """.formatted(log));
        TestPlugins.install(TestPlugins.KERNEL_LOG, root.resolve("plugins"), "kernel-log.jar");
        AgentConfig agentConfig = new AgentConfig("node-a", root.resolve("plugins"), config, new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null,
                List.of(new DaemonInstanceConfig("kernel-log", "kernel-monitor", config.resolve("kernel-monitor.json"), true),
                        new DaemonInstanceConfig("kernel-log", "oom-monitor", config.resolve("oom-monitor.json"), true)),
                null, new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        agent = Agent.start(agentConfig, "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
        RecordingDaemonContext.awaitTrue("both instances to run", BOUND, () -> running("kernel-monitor") && running("oom-monitor"));
        RecordingDaemonContext.awaitTrue("both instances to read the file", BOUND, () -> {
            String text = metrics();
            return text.contains("nodemedic_kernel_log_lines_read_total{daemon=\"kernel-monitor\",source=\"file\"}")
                    && text.contains("nodemedic_kernel_log_lines_read_total{daemon=\"oom-monitor\",source=\"file\"}");
        });

        String metrics = metrics();
        assertThat(helpLines(metrics, "nodemedic_kernel_log_lines_read_total")).containsExactly(
                "log lines the kernel-log instance read, per source kind; a file's line its pluginConfig does not fit counts as unparsed instead");
        assertThat(helpLines(metrics, "nodemedic_kernel_log_rule_matches_total")).containsExactly(
                "rule matches in the lines the kernel-log instance read, per source kind; a line two rules match counts twice");
        assertThat(helpLines(metrics, "nodemedic_kernel_log_lines_unparsed_total")).containsExactly(
                "lines of a followed file that the instance's pluginConfig does not fit (no stamp, a stamp not of timestampFormat, no message),"
                        + " skipped as NPD skips them");
        assertThat(helpLines(metrics, "nodemedic_kernel_log_source_up")).containsExactly(
                "1 for the source kind the kernel-log instance reads, 0 for the others; all 0 while it can read none, or while the one it reads"
                        + " cannot be read for now");
        assertThat(metrics).contains("nodemedic_kernel_log_source_up{daemon=\"kernel-monitor\",source=\"file\"} 1",
                "nodemedic_kernel_log_source_up{daemon=\"oom-monitor\",source=\"file\"} 1");
    }
}
