package dev.nodemedic.core;

import static dev.nodemedic.core.NtpMonitors.CLOCK_SKEW_DECLARED;
import static dev.nodemedic.core.NtpMonitors.CLOCK_SKEW_RULE;
import static dev.nodemedic.core.NtpMonitors.NTP_PROBLEM_DECLARED;
import static dev.nodemedic.core.NtpMonitors.NTP_PROBLEM_RULE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon instance's config file mounted from a ConfigMap and updated the way the kubelet updates it:
 * the real custom-plugin jar, NPD's custom-plugin-monitor.json shape, real check scripts.
 */
class ConfigReloadTest {
    /** Two looks at the config files a second apart, a restart and the first round of checks take ~2 s; room for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private Agent agent;
    private ConfigMapVolume volume;
    private final RunningAgent running = new RunningAgent(() -> agent, BOUND);

    @BeforeEach
    void scripts() throws IOException {
        // Each run leaves a line: with one round of checks per start, the lines count the daemon's starts.
        script("ntp_down.sh", "echo run >> '" + root.resolve("ntp_down.runs") + "'\necho ntp is down\nexit 1\n");
        script("clock_skewed.sh", "echo clock is 3s off\nexit 1\n");
        volume = new ConfigMapVolume(root.resolve("ntp-config"));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void aConfigMapUpdateTakesEffectAndAConditionWhoseTypeRemainsKeepsItsStatusAndTransitionTime() throws Exception {
        volume.publish(monitor(NTP_PROBLEM_DECLARED, NTP_PROBLEM_RULE));
        start();
        Condition before = running.awaitStatus("NTPProblem", ConditionStatus.TRUE);

        volume.publish(monitor(NTP_PROBLEM_DECLARED + ", " + CLOCK_SKEW_DECLARED, NTP_PROBLEM_RULE + ", " + CLOCK_SKEW_RULE));

        Condition skew = running.awaitStatus("ClockSkew", ConditionStatus.TRUE);
        assertThat(skew.reason()).as("the new rule runs").isEqualTo("ClockSkewed");
        assertThat(running.condition("NTPProblem").orElseThrow().condition()).as("kept through the reload, not reset to its healthy default")
                .isEqualTo(before);
        assertThat(running.condition("ClockSkew").orElseThrow().owner()).isEqualTo("ntp");

        volume.publish(monitor(CLOCK_SKEW_DECLARED, CLOCK_SKEW_RULE));

        RecordingDaemonContext.awaitTrue("NTPProblem withdrawn: the new config no longer declares it", BOUND,
                () -> running.condition("NTPProblem").isEmpty());
        assertThat(running.condition("ClockSkew").orElseThrow().condition()).isEqualTo(skew);
        assertThat(running.metrics()).contains("nodemedic_config_last_reload_successful{daemon=\"ntp\"} 1.0\n")
                .contains("nodemedic_config_reload_failures_total{daemon=\"ntp\"} 0.0\n");
    }

    @Test
    void aFileProjectedAgainWithTheSameContentDoesNotRestartItsDaemon() throws Exception {
        String ntp = monitor(NTP_PROBLEM_DECLARED, NTP_PROBLEM_RULE);
        volume.publish(Map.of("ntp.json", ntp, "skew.json", monitor(CLOCK_SKEW_DECLARED, "")));
        start(new DaemonInstanceConfig("custom-plugin", "skew", volume.file("skew.json"), true));
        running.awaitStatus("NTPProblem", ConditionStatus.TRUE);
        running.awaitStatus("ClockSkew", ConditionStatus.FALSE);
        DaemonStatus before = running.daemon("ntp").orElseThrow();

        // One update of the ConfigMap: every file is projected again, only skew.json has new content.
        volume.publish(Map.of("ntp.json", ntp, "skew.json", monitor(CLOCK_SKEW_DECLARED, CLOCK_SKEW_RULE)));

        running.awaitStatus("ClockSkew", ConditionStatus.TRUE);
        // ntp is looked at before skew on each look (the agent config's order), so it was settled before skew restarted.
        assertThat(running.daemon("ntp").orElseThrow().since()).as("ntp not restarted").isEqualTo(before.since());
        assertThat(Files.readAllLines(root.resolve("ntp_down.runs"))).as("ntp's check ran at its one start only").hasSize(1);
    }

    @Test
    void anUpdateThatDoesNotBindKeepsTheOldRulesRunningAndSaysWhyUntilTheFileIsFixed() throws Exception {
        volume.publish(monitor(NTP_PROBLEM_DECLARED, NTP_PROBLEM_RULE));
        start();
        Condition before = running.awaitStatus("NTPProblem", ConditionStatus.TRUE);
        DaemonStatus ntp = running.daemon("ntp").orElseThrow();

        volume.publish(monitor(NTP_PROBLEM_DECLARED + ", " + CLOCK_SKEW_DECLARED, NTP_PROBLEM_RULE + ", " + CLOCK_SKEW_RULE)
                .replace("invoke_interval", "invoke_intervall"));

        running.awaitMetrics("the failed reload counted", text -> text.contains("nodemedic_config_reload_failures_total{daemon=\"ntp\"} 1.0\n"));
        assertThat(running.metrics()).contains("nodemedic_config_last_reload_successful{daemon=\"ntp\"} 0.0\n");
        assertThat(running.get("/")).contains(volume.file("ntp.json") + " (daemon instance ntp)")
                .contains("daemon instance ntp keeps running on its previous config: " + volume.file("ntp.json") + ":2:")
                .contains("pluginConfig.invoke_intervall: unknown field &quot;invoke_intervall&quot;; did you mean &quot;invoke_interval&quot;?");
        assertThat(running.daemon("ntp").orElseThrow()).as("the old daemon object runs on, not restarted").satisfies(d -> {
            assertThat(d.state()).isEqualTo(DaemonState.RUNNING);
            assertThat(d.since()).isEqualTo(ntp.since());
        });
        assertThat(running.condition("NTPProblem").orElseThrow().condition()).isEqualTo(before);
        assertThat(running.condition("ClockSkew")).as("the broken file's new rule is not in effect").isEmpty();

        volume.publish(monitor(NTP_PROBLEM_DECLARED + ", " + CLOCK_SKEW_DECLARED, NTP_PROBLEM_RULE + ", " + CLOCK_SKEW_RULE));

        running.awaitStatus("ClockSkew", ConditionStatus.TRUE);
        running.awaitMetrics("the reload to count as successful", text -> text.contains("nodemedic_config_last_reload_successful{daemon=\"ntp\"} 1.0\n"));
        assertThat(running.get("/")).doesNotContain("keeps running on its previous config");
        assertThat(running.condition("NTPProblem").orElseThrow().condition()).isEqualTo(before);
    }

    private String monitor(String conditions, String rules) {
        return NtpMonitors.monitor(root, "ntp-custom-plugin-monitor", conditions, rules);
    }

    private void script(String name, String body) throws IOException {
        NtpMonitors.script(root, name, body);
    }

    private void start(DaemonInstanceConfig... more) throws Exception {
        Path plugins = root.resolve("plugins");
        TestPlugins.install(TestPlugins.CUSTOM_PLUGIN, plugins, "custom-plugin.jar");
        AgentConfig config = new AgentConfig("node-a", plugins, Files.createDirectories(root.resolve("config")),
                new AgentConfig.StatusConfig("127.0.0.1", 0), new AgentConfig.MetricsConfig("127.0.0.1", 0), null,
                Stream.concat(Stream.of(new DaemonInstanceConfig("custom-plugin", "ntp", volume.file("ntp.json"), true)), Stream.of(more)).toList(), null,
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        agent = Agent.start(config, "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
    }

    /**
     * A ConfigMap volume written as the kubelet's atomic writer writes it: the files of each version in
     * a new {@code ..<timestamp>} folder, {@code ..data} a symlink to it renamed over the old one in one
     * step, each file a symlink to {@code ..data/<file>}, the old version's folder removed afterwards.
     */
    static final class ConfigMapVolume {
        private final Path dir;
        private int version;

        ConfigMapVolume(Path dir) {
            this.dir = dir;
        }

        Path file(String name) {
            return dir.resolve(name);
        }

        void publish(String ntpJson) throws IOException {
            publish(Map.of("ntp.json", ntpJson));
        }

        void publish(Map<String, String> files) throws IOException {
            Files.createDirectories(dir);
            Path previous = Files.isSymbolicLink(dir.resolve("..data")) ? dir.resolve(Files.readSymbolicLink(dir.resolve("..data"))) : null;
            Path next = Files.createDirectory(dir.resolve("..2026_12_07_06_00_%02d.%09d".formatted(++version, 100_000 + version)));
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(next.resolve(file.getKey()), file.getValue());
            }
            Path staged = Files.createSymbolicLink(dir.resolve("..data_tmp"), next.getFileName());
            Files.move(staged, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            for (String name : files.keySet()) {
                if (!Files.isSymbolicLink(file(name))) {
                    Files.createSymbolicLink(file(name), Path.of("..data", name));
                }
            }
            if (previous != null) {
                try (Stream<Path> old = Files.list(previous)) {
                    for (Path f : old.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(previous);
            }
        }
    }
}
