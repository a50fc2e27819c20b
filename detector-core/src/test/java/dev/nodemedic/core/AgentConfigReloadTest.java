package dev.nodemedic.core;

import static dev.nodemedic.core.NtpMonitors.CLOCK_SKEW_DECLARED;
import static dev.nodemedic.core.NtpMonitors.CLOCK_SKEW_RULE;
import static dev.nodemedic.core.NtpMonitors.NTP_PROBLEM_DECLARED;
import static dev.nodemedic.core.NtpMonitors.NTP_PROBLEM_RULE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.ConfigReloadTest.ConfigMapVolume;
import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.AgentConfigLoader;
import dev.nodemedic.core.plugins.AgentConfigReloads;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent config ({@code --config}) mounted from a ConfigMap beside NPD-style monitor files, and
 * updated the way the kubelet updates it: the real custom-plugin jar, real check scripts.
 */
class AgentConfigReloadTest {
    @TempDir
    Path root;

    private Agent agent;
    private ConfigMapVolume volume;
    private final RunningAgent running = new RunningAgent(() -> agent, ConfigReloadTest.BOUND);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger reloadLog = Logger.getLogger(AgentConfigReloads.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void scripts() throws IOException {
        script("ntp_down.sh", "echo ntp is down\nexit 1\n");
        script("clock_skewed.sh", "echo clock is 3s off\nexit 1\n");
        volume = new ConfigMapVolume(root.resolve("agent-config"));
        reloadLog.addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        reloadLog.removeHandler(capture);
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void anInstanceAddedToTheDaemonsListStartsAndOneRemovedWithdrawsItsConditions() throws Exception {
        publish(agentConfig(0, NTP));
        start();
        Condition ntp = running.awaitStatus("NTPProblem", ConditionStatus.TRUE);
        DaemonStatus ntpRunning = running.daemon("ntp").orElseThrow();

        publish(agentConfig(0, NTP, SKEW));

        running.awaitStatus("ClockSkew", ConditionStatus.TRUE);
        assertThat(running.condition("ClockSkew").orElseThrow().owner()).isEqualTo("skew");
        assertThat(running.daemon("ntp").orElseThrow().since()).as("an instance the change does not touch is not restarted").isEqualTo(ntpRunning.since());
        assertThat(running.condition("NTPProblem").orElseThrow().condition()).isEqualTo(ntp);

        publish(agentConfig(0, SKEW));

        RecordingDaemonContext.awaitTrue("the instance removed from the list stopped", ConfigReloadTest.BOUND, () -> running.daemon("ntp").isEmpty());
        RecordingDaemonContext.awaitTrue("NTPProblem withdrawn with its instance", ConfigReloadTest.BOUND, () -> running.condition("NTPProblem").isEmpty());
        assertThat(running.daemon("skew").orElseThrow().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(running.metrics()).contains("nodemedic_config_last_reload_successful{daemon=\"agent-config\"} 1.0\n")
                .contains("nodemedic_config_reload_failures_total{daemon=\"agent-config\"} 0.0\n");
    }

    @Test
    void anInstanceWhoseConfigFileChangesInTheListIsReplacedAndKeepsTheConditionsWhoseTypesRemain() throws Exception {
        publish(agentConfig(0, NTP));
        start();
        Condition ntp = running.awaitStatus("NTPProblem", ConditionStatus.TRUE);

        // The same instance now reads a file that also declares ClockSkew.
        publish(agentConfig(0, "  - {daemon: custom-plugin, name: ntp, config: both.json}\n"));

        running.awaitStatus("ClockSkew", ConditionStatus.TRUE);
        assertThat(running.condition("ClockSkew").orElseThrow().owner()).isEqualTo("ntp");
        assertThat(running.condition("NTPProblem").orElseThrow().condition()).as("kept through the replacement").isEqualTo(ntp);
    }

    @Test
    void aFileThatDoesNotLoadKeepsTheRunningInstancesAndSaysWhyUntilItIsFixed() throws Exception {
        publish(agentConfig(0, NTP));
        start();
        Condition ntp = running.awaitStatus("NTPProblem", ConditionStatus.TRUE);
        DaemonStatus ntpDaemon = running.daemon("ntp").orElseThrow();

        publish(agentConfig(0, SKEW.replace("config:", "confg:")));

        running.awaitMetrics("the failed reload counted", text -> text.contains("nodemedic_config_reload_failures_total{daemon=\"agent-config\"} 1.0\n"));
        assertThat(running.metrics()).contains("nodemedic_config_last_reload_successful{daemon=\"agent-config\"} 0.0\n");
        assertThat(running.get("/")).contains(volume.file("agent.yaml") + " (agent config)")
                .contains("the agent keeps running on its previous config: " + volume.file("agent.yaml"))
                .contains("unknown field &quot;confg&quot;");
        assertThat(running.daemon("ntp").orElseThrow()).as("the instance of the old list runs on, not restarted").satisfies(d -> {
            assertThat(d.state()).isEqualTo(DaemonState.RUNNING);
            assertThat(d.since()).isEqualTo(ntpDaemon.since());
        });
        assertThat(running.daemon("skew")).as("nothing of the broken file is in effect").isEmpty();
        assertThat(running.condition("NTPProblem").orElseThrow().condition()).isEqualTo(ntp);

        publish(agentConfig(0, NTP, SKEW));

        running.awaitStatus("ClockSkew", ConditionStatus.TRUE);
        running.awaitMetrics("the reload to count as successful",
                text -> text.contains("nodemedic_config_last_reload_successful{daemon=\"agent-config\"} 1.0\n"));
        assertThat(running.get("/")).doesNotContain("keeps running on its previous config");
    }

    @Test
    void aFileRewrittenWhileAReloadBindsItIsReadAgainAtTheNextLook() throws Exception {
        // The reload binds the bytes it took the digest of; the kubelet publishing again meanwhile is a change of its own.
        Path file = volume.file("agent.yaml");
        List<String> bound = new CopyOnWriteArrayList<>();
        publish(agentConfig(0, NTP));
        start(text -> {
            bound.add(text);
            if (bound.size() == 2) {
                try {
                    publish(agentConfig(0, SKEW));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new AgentConfigLoader(new ConfigBinder()).load(file, text, root);
        });
        running.awaitStatus("NTPProblem", ConditionStatus.TRUE);

        publish(agentConfig(0, NTP, SKEW));

        RecordingDaemonContext.awaitTrue("the write during the reload applied at a later look", ConfigReloadTest.BOUND,
                () -> running.daemon("ntp").isEmpty() && running.daemon("skew").isPresent());
        assertThat(bound).containsExactly(agentConfig(0, NTP), agentConfig(0, NTP, SKEW), agentConfig(0, SKEW));
        assertThat(running.condition("NTPProblem")).isEmpty();
    }

    @Test
    void anEntryWhoseDaemonNoPluginBringsIsShownAndCountedUntilTheListDropsIt() throws Exception {
        String typo = "  - {daemon: kernel-logs, name: kernel-monitor}\n";
        publish(agentConfig(0, NTP, typo));
        start();
        running.awaitStatus("NTPProblem", ConditionStatus.TRUE);

        String why = "daemons: instance kernel-monitor names daemon kernel-logs, which no plugin in " + root.resolve("plugins")
                + " brings; check the name, or add the plugin&#39;s jar; it does not run, the other daemons do";
        assertThat(running.get("/")).contains("<code>daemons: kernel-monitor</code>").contains(why);
        assertThat(running.metrics()).contains("nodemedic_daemon_missing{daemon=\"kernel-monitor\"} 1.0\n");

        publish(agentConfig(0, NTP));

        running.awaitMetrics("the entry dropped", text -> !text.contains("nodemedic_daemon_missing"));
        assertThat(running.get("/")).doesNotContain("daemons: kernel-monitor");
        assertThat(running.daemon("ntp").orElseThrow().state()).isEqualTo(DaemonState.RUNNING);
    }

    @Test
    void aChangedStatusPortIsLoggedAsNeedingARestartAndTheRestOfTheFileApplies() throws Exception {
        publish(agentConfig(0, NTP));
        start();
        running.awaitStatus("NTPProblem", ConditionStatus.TRUE);
        int statusPort = agent.statusPort();

        // Never bound: the agent keeps listening where it does.
        publish(agentConfig(1, NTP, SKEW));

        running.awaitStatus("ClockSkew", ConditionStatus.TRUE);
        assertThat(warnings).filteredOn(line -> line.contains("needs a restart")).singleElement().asString()
                .contains("field=status").contains("port=1");
        assertThat(agent.statusPort()).isEqualTo(statusPort);
        assertThat(running.get("/healthz")).isNotEmpty();

        // Published again with another change: the restart is not asked for twice.
        publish(agentConfig(1, SKEW));
        RecordingDaemonContext.awaitTrue("ntp removed", ConfigReloadTest.BOUND, () -> running.daemon("ntp").isEmpty());
        assertThat(warnings).filteredOn(line -> line.contains("needs a restart")).hasSize(1);
    }

    private static final String NTP = "  - {daemon: custom-plugin, name: ntp, config: ntp.json}\n";
    private static final String SKEW = "  - {daemon: custom-plugin, name: skew, config: skew.json}\n";

    /** The agent config as it sits in the ConfigMap; its relative paths are taken from its folder. */
    private String agentConfig(int statusPort, String... daemons) {
        return """
                nodeName: node-a
                pluginsDir: %s
                configDir: %s
                status: {address: 127.0.0.1, port: %d}
                metrics: {address: 127.0.0.1, port: 0}
                report: {socket: %s}
                onlyListedDaemons: true
                daemons:
                %s""".formatted(root.resolve("plugins"), root.resolve("config"), statusPort, root.resolve("report.sock"), String.join("", daemons));
    }

    /** One ConfigMap holds the agent config and the monitor files, as a DaemonSet mounts it. */
    private void publish(String agentYaml) throws IOException {
        volume.publish(Map.of("agent.yaml", agentYaml,
                "ntp.json", monitor(NTP_PROBLEM_DECLARED, NTP_PROBLEM_RULE),
                "skew.json", monitor(CLOCK_SKEW_DECLARED, CLOCK_SKEW_RULE),
                "both.json", monitor(NTP_PROBLEM_DECLARED + ", " + CLOCK_SKEW_DECLARED, NTP_PROBLEM_RULE + ", " + CLOCK_SKEW_RULE)));
    }

    private String monitor(String conditions, String rules) {
        return NtpMonitors.monitor(root, "custom-plugin-monitor", conditions, rules);
    }

    private void script(String name, String body) throws IOException {
        NtpMonitors.script(root, name, body);
    }

    /** As the run command starts it: the file loaded, and the same loading again on every reload. */
    private void start() throws Exception {
        Path file = volume.file("agent.yaml");
        start(text -> new AgentConfigLoader(new ConfigBinder()).load(file, text, root));
    }

    private void start(AgentConfigReloads.Source source) throws Exception {
        TestPlugins.install(TestPlugins.CUSTOM_PLUGIN, root.resolve("plugins"), "custom-plugin.jar");
        Files.createDirectories(root.resolve("config"));
        AgentConfigReloads.Start start = AgentConfigReloads.Watch.start(volume.file("agent.yaml"), source);
        agent = Agent.start(start.config(), Optional.of(start.watch()), "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
    }
}
