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
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real system-stats jar with a config of NPD's system-stats-monitor shape, read from a /proc tree
 * of real files (NPD's own {@code procPath}), scraped over HTTP: NPD's series names, labels and types,
 * with no {@code nodemedic_} prefix, {@code daemon} label or {@code _total} suffix.
 */
class SystemStatsSeriesTest {
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

    private void awaitMetrics(String what, Predicate<String> check) throws InterruptedException {
        RecordingDaemonContext.awaitTrue(what, BOUND, () -> check.test(metrics()));
    }

    @Test
    void npdsSystemStatsSeriesAreOnMetricsAsNpdNamesThemAndLeaveWithTheJar() throws Exception {
        Path proc = Files.createDirectories(root.resolve("node/proc"));
        Files.writeString(proc.resolve("loadavg"), "0.52 0.58 0.59 2/1069 123456\n");
        Files.writeString(proc.resolve("uptime"), "10426.76 5813.45\n");
        Files.writeString(proc.resolve("stat"), "cpu  1180381 49835 260634 581345 2269 0 5064 0 0 0\ncpu0 1180381 49835 260634 581345 2269 0 5064 0 0 0\n"
                + "intr 8000 1 2\nprocesses 4000\nprocs_running 3\nprocs_blocked 1\n");
        Files.createDirectories(proc.resolve("sys/kernel"));
        Files.writeString(proc.resolve("sys/kernel/osrelease"), "6.1.0-27-amd64\n");
        Path config = Files.createDirectories(root.resolve("config"));
        Files.writeString(config.resolve("system-stats-monitor.json"), """
                {
                  "cpu": {"metricsConfigs": {"cpu/load_1m": {"displayName": "cpu/load_1m"}, "cpu/usage_time": {"displayName": "cpu/usage_time"}}},
                  "host": {"metricsConfigs": {"host/uptime": {"displayName": "host/uptime"}}},
                  "invokeInterval": "60s",
                  "procPath": "%s"
                }
                """.formatted(proc));
        Path jar = TestPlugins.install(TestPlugins.SYSTEM_STATS, root.resolve("plugins"), "system-stats.jar");
        AgentConfig agentConfig = new AgentConfig("node-a", root.resolve("plugins"), config, new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null,
                List.of(new DaemonInstanceConfig("system-stats", "system-stats-monitor", config.resolve("system-stats-monitor.json"), true)),
                null, new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        agent = Agent.start(agentConfig, "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
        RecordingDaemonContext.awaitTrue("system-stats to run", BOUND, () -> agent.supervisor().statuses().stream()
                .anyMatch(d -> d.instanceName().equals("system-stats-monitor") && d.state() == DaemonState.RUNNING));

        awaitMetrics("the first cycle's series", text -> text.contains("cpu_load_1m 0.52\n"));
        String text = metrics();
        assertThat(text).contains("# TYPE cpu_load_1m gauge\ncpu_load_1m 0.52\n",
                        "# HELP cpu_usage_time CPU usage, in seconds\n# TYPE cpu_usage_time counter\n",
                        "cpu_usage_time{state=\"user\"} 1180381\n", "cpu_usage_time{state=\"softirq\"} 5064\n",
                        "# TYPE host_uptime gauge\nhost_uptime{kernel_version=\"6.1.0-27-amd64\",os_version=\"")
                .containsPattern("host_uptime\\{kernel_version=\"6\\.1\\.0-27-amd64\",os_version=\"[^\"]+\"} 10426\n")
                .doesNotContain("cpu_usage_time_total", "nodemedic_cpu", "cpu_load_1m{daemon=", "cpu_load_5m");

        Files.delete(jar);
        awaitMetrics("its series to leave with its jar", metrics -> !metrics.contains("cpu_load_1m"));
        assertThat(metrics()).doesNotContain("cpu_usage_time", "host_uptime");
    }
}
