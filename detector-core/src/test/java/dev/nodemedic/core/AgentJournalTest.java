package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.journal.FakeJournalctl;
import dev.nodemedic.core.journal.HostJournal;
import dev.nodemedic.core.journal.Journalctl;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.reporter.OwnedCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel-log plugin on the agent's journal reader, whose journalctl is a script (real child processes):
 * what a journal that goes away and comes back does to a daemon that follows it.
 */
class AgentJournalTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> KERNEL = Map.of("SYSLOG_IDENTIFIER", "kernel");
    private static final String LINES_READ = "nodemedic_kernel_log_lines_read_total{daemon=\"kernel-monitor\",source=\"journald\"} ";
    private static final String OOM_EVENTS = "problem_counter{reason=\"OOMKilling\"} ";

    @TempDir
    Path root;
    private Agent agent;

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    private Optional<OwnedCondition> condition(String type) {
        return agent.reporter().book().snapshot().get(type);
    }

    private DaemonStatus daemon() {
        return agent.supervisor().statuses().stream().filter(d -> d.instanceName().equals("kernel-monitor")).findFirst().orElseThrow();
    }

    private String metrics() {
        return AgentMetrics.scrape(agent);
    }

    /** Whether the series (its name and labels, then a space) stands at {@code count}. */
    private boolean counted(String series, int count) {
        return metrics().lines().filter(line -> line.startsWith(series)).anyMatch(line -> Double.parseDouble(line.substring(series.length())) == count);
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1000;
    }

    @Test
    void aJournalThatGoesAwayIsUnknownMeanwhileAndResumesWithNoLineCountedTwiceOrLost() throws Exception {
        Path journalctlDir = Files.createDirectories(root.resolve("journalctl"));
        FakeJournalctl journalctl = new FakeJournalctl(journalctlDir);
        Instant now = Instant.now();
        for (int pid = 1; pid <= 3; pid++) {
            journalctl.write(micros(now.minusSeconds(10 - pid)), "Out of memory: Killed process " + pid + " (java)", KERNEL);
        }
        Files.createDirectories(root.resolve("plugins"));
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/kernel-monitor.json"), """
                {"plugin": "journald", "pluginConfig": {"source": "kernel"}, "lookback": "5m", "source": "kernel-monitor",
                 "conditions": [{"type": "KernelDeadlock", "reason": "KernelHasNoDeadlock", "message": "kernel has no deadlock"}],
                 "rules": [{"type": "temporary", "reason": "OOMKilling", "pattern": "Out of memory: Killed process \\\\d+ .*"},
                           {"type": "permanent", "condition": "KernelDeadlock", "reason": "DockerHung", "pattern": "task docker:\\\\w+ blocked.*"}]}
                """);
        TestPlugins.install(TestPlugins.KERNEL_LOG, root.resolve("plugins"), "kernel-log.jar");
        AgentConfig config = new AgentConfig("node-a", root.resolve("plugins"), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null,
                List.of(new DaemonInstanceConfig("kernel-log", "kernel-monitor", root.resolve("config/kernel-monitor.json"), true)),
                new AgentConfig.SupervisionConfig(Duration.ofMillis(200), Duration.ofSeconds(1), null, Duration.ofMillis(300), null),
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        HostJournal journal = new HostJournal(new Journalctl(journalctl.path().toString()), Clock.systemUTC(), Duration.ofMillis(100),
                Duration.ofMillis(400), Duration.ofSeconds(5), Journal.QUEUE_ENTRIES);
        agent = Agent.start(config, Optional.empty(), "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none(), journal);

        RecordingDaemonContext.awaitTrue("three lines read", WAIT, () -> counted(LINES_READ, 3) && counted(OOM_EVENTS, 3));
        RecordingDaemonContext.awaitTrue("KernelDeadlock False", WAIT,
                () -> condition("KernelDeadlock").map(c -> c.condition().status() == ConditionStatus.FALSE).orElse(false));

        // journalctl dies and cannot come back for a while; the kernel logs meanwhile.
        journalctl.steer("fail", true);
        long follower = journalctl.pids().getLast();
        ProcessHandle.of(follower).ifPresent(ProcessHandle::destroy);
        RecordingDaemonContext.awaitTrue("KernelDeadlock Unknown", WAIT,
                () -> condition("KernelDeadlock").map(c -> c.condition().status() == ConditionStatus.UNKNOWN).orElse(false));
        OwnedCondition unknown = condition("KernelDeadlock").orElseThrow();
        assertThat(unknown.condition().reason()).isEqualTo("LogSourceUnavailable");
        assertThat(unknown.condition().message()).startsWith("kernel-monitor: journald SYSLOG_IDENTIFIER=kernel cannot be read for now: " + journalctl.path()
                + " exited with status 1 before it read any entry: Failed to open journal directory: No such file or directory");
        assertThat(metrics()).contains("nodemedic_kernel_log_source_up{daemon=\"kernel-monitor\",source=\"journald\"} 0");
        for (int pid = 4; pid <= 5; pid++) {
            journalctl.write(micros(Instant.now()), "Out of memory: Killed process " + pid + " (java)", KERNEL);
        }

        journalctl.steer("fail", false);

        RecordingDaemonContext.awaitTrue("KernelDeadlock known again", WAIT,
                () -> condition("KernelDeadlock").map(c -> c.condition().status() == ConditionStatus.FALSE).orElse(false));
        RecordingDaemonContext.awaitTrue("the two lines written meanwhile", WAIT, () -> counted(LINES_READ, 5) && counted(OOM_EVENTS, 5));
        List<String> follows = journalctl.calls().stream().filter(call -> call.contains("--follow")).toList();
        assertThat(follows.getFirst()).contains("--since=@").doesNotContain("--after-cursor");
        assertThat(follows.getLast()).as("resumed after the last entry read, not from the lookback").contains("--after-cursor=s=3").doesNotContain("--since");
        assertThat(daemon().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(daemon().restarts()).as("the daemon was never failed and restarted").isZero();
        assertThat(metrics()).contains("nodemedic_kernel_log_source_up{daemon=\"kernel-monitor\",source=\"journald\"} 1");
    }
}
