package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonApi;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.reporter.OwnedCondition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as it runs: real plugin jars dropped into and taken out of a watched folder, the status server over HTTP. */
class AgentTest {
    /** The bound for a dropped-in or removed jar to take effect. */
    static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @TempDir
    Path root;

    private Agent agent;
    private final HttpClient http = HttpClient.newHttpClient();

    private Path plugins() {
        return root.resolve("plugins");
    }

    private Agent start(List<DaemonInstanceConfig> daemons) throws Exception {
        Files.createDirectories(plugins());
        Files.createDirectories(root.resolve("config"));
        AgentConfig config = new AgentConfig("node-a", plugins(), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null, daemons,
                new AgentConfig.SupervisionConfig(Duration.ofMillis(200), Duration.ofSeconds(1), null, Duration.ofMillis(300), null),
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        agent = Agent.start(config, "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
        return agent;
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.statusPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Optional<OwnedCondition> condition(String type) {
        return agent.reporter().book().snapshot().get(type);
    }

    private Optional<DaemonStatus> daemon(String name) {
        return agent.supervisor().statuses().stream().filter(d -> d.instanceName().equals(name)).findFirst();
    }

    @Test
    void aJarDroppedInRunsAndItsConditionsLeaveWithIt() throws Exception {
        start(List.of());
        assertThat(get("/conditions").body()).isEqualTo("{\"node\":\"node-a\",\"conditions\":[]}");

        Path jar = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins(), "reboot-required.jar");
        RecordingDaemonContext.awaitTrue("RebootRequired to be declared", FIVE_SECONDS, () -> condition("RebootRequired").isPresent());
        assertThat(get("/conditions").body()).contains("\"type\":\"RebootRequired\",\"status\":\"False\",\"reason\":\"NoRebootRequired\"")
                .contains("\"daemon\":\"reboot-required\"");

        Files.delete(jar);
        RecordingDaemonContext.awaitTrue("RebootRequired to be withdrawn", FIVE_SECONDS, () -> condition("RebootRequired").isEmpty());
        // The daemon list is its own snapshot, published just after the book's.
        RecordingDaemonContext.awaitTrue("the daemon to leave the list", FIVE_SECONDS, () -> agent.supervisor().statuses().isEmpty());

        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins(), "reboot-required.jar");
        RecordingDaemonContext.awaitTrue("RebootRequired to come back", FIVE_SECONDS, () -> condition("RebootRequired").isPresent());
    }

    @Test
    void theDaemonsTheConfigListsStartBeforeThoseOfJarsLoadedBeforeThem() throws Exception {
        TestPlugins.install(TestPlugins.SYSTEM_STATS, plugins(), "a-system-stats.jar");
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins(), "z-reboot-required.jar");
        start(List.of(new DaemonInstanceConfig("reboot-required", "reboot-listed", null, true)));

        // The supervisor lists its instances in the order they were started.
        assertThat(agent.supervisor().statuses()).extracting(DaemonStatus::instanceName).containsExactly("reboot-listed", "system-stats");
    }

    @Test
    void aReplacedJarIsReloadedWithItsNewVersion() throws Exception {
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins(), "reboot-required.jar");
        start(List.of());
        assertThat(daemon("reboot-required").orElseThrow().pluginVersion()).isEqualTo("0.1.0-SNAPSHOT");

        Path next = TestPlugins.withVersion(TestPlugins.REBOOT_REQUIRED, "0.2.0", root.resolve("next.jar"));
        Files.move(next, plugins().resolve("reboot-required.jar"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        RecordingDaemonContext.awaitTrue("version 0.2.0 to run", FIVE_SECONDS,
                () -> daemon("reboot-required").map(d -> d.pluginVersion().equals("0.2.0") && d.state() == DaemonState.RUNNING).orElse(false));
    }

    @Test
    void refusedJarsShowOnTheStatusPageWhileTheOthersRun() throws Exception {
        TestPlugins.install(TestPlugins.WRONG_API, plugins(), "gpu-health.jar");
        TestPlugins.install(TestPlugins.CLAIMS_READY, plugins(), "claims-ready.jar");
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins(), "reboot-required.jar");
        start(List.of());

        String page = get("/").body();

        assertThat(page).contains("gpu-health.jar requires daemon-api &gt;=2.0.0 &amp; &lt;3.0.0, this nodemedic has " + DaemonApi.VERSION);
        assertThat(page).contains("daemon instance claims-ready is not started: condition type Ready belongs to kubelet and cannot be declared by a daemon");
        assertThat(page).contains("<td>RebootRequired</td><td class=\"ok\">False</td>");
        assertThat(daemon("reboot-required").orElseThrow().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void aDaemonThatThrowsFromStartIsUnknownAndRetriedWhileTheOthersRun() throws Exception {
        TestPlugins.install(TestPlugins.FAULTY, plugins(), "faulty.jar");
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins(), "reboot-required.jar");
        start(List.of());

        OwnedCondition faulty = condition("FaultyProblem").orElseThrow();
        assertThat(faulty.condition().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(faulty.condition().reason()).isEqualTo("DaemonNotRunning");
        assertThat(faulty.condition().message()).startsWith("faulty stopped: fixture refuses to start (IllegalStateException); restart in ");
        RecordingDaemonContext.awaitTrue("a restart", FIVE_SECONDS, () -> daemon("faulty").orElseThrow().restarts() >= 2);
        assertThat(daemon("reboot-required").orElseThrow().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(get("/").body()).contains("fixture refuses to start");
    }

    @Test
    void aKernelLogWithNothingToReadShowsUnknownOnTheStatusPageAndInItsMetricWhileItKeepsLooking() throws Exception {
        Path missing = root.resolve("kern.log");
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/kernel-monitor.json"),
                Files.readString(Path.of("../problem-daemons/kernel-log/src/main/resources/config/kernel-monitor-filelog.json"))
                        .replace("/var/log/kern.log", missing.toString()));
        TestPlugins.install(TestPlugins.KERNEL_LOG, plugins(), "kernel-log.jar");
        start(List.of(new DaemonInstanceConfig("kernel-log", "kernel-monitor", root.resolve("config/kernel-monitor.json"), true)));

        RecordingDaemonContext.awaitTrue("KernelDeadlock Unknown", FIVE_SECONDS,
                () -> condition("KernelDeadlock").map(c -> c.condition().status() == ConditionStatus.UNKNOWN).orElse(false));
        assertThat(condition("KernelDeadlock").orElseThrow().condition().reason()).isEqualTo("LogSourceUnavailable");
        assertThat(daemon("kernel-monitor").orElseThrow().state()).as("running: looking for its log is its job").isEqualTo(DaemonState.RUNNING);
        assertThat(get("/").body()).contains("<td class=\"unk\">Unknown</td><td>LogSourceUnavailable</td><td>kernel-monitor reads no log: " + missing
                + ": not there; check logPath");
        String metrics = AgentMetrics.scrape(agent);
        assertThat(metrics).contains("nodemedic_kernel_log_source_up{daemon=\"kernel-monitor\",source=\"file\"} 0")
                .contains("nodemedic_kernel_log_source_up{daemon=\"kernel-monitor\",source=\"kmsg\"} 0")
                .contains("nodemedic_daemon_up{daemon=\"kernel-monitor\",plugin=\"kernel-log\"} 1");
    }

    @Test
    void aDaemonThatHangsInStopIsAbandonedAndItsPluginStillUnloads() throws Exception {
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/faulty.yaml"), "mode: hangOnStop\n");
        Path jar = TestPlugins.install(TestPlugins.FAULTY, plugins(), "faulty.jar");
        start(List.of());
        assertThat(condition("FaultyProblem").orElseThrow().condition().reason()).isEqualTo("FaultyRunning");

        Files.delete(jar);

        RecordingDaemonContext.awaitTrue("the hung daemon's conditions to be withdrawn", FIVE_SECONDS, () -> condition("FaultyProblem").isEmpty());
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void aPluginGetsTheAgentsVertxAsAHostService() throws Exception {
        // container-runtime makes its gRPC calls on the agent's Vertx; without it the condition would say
        // ContainerRuntimeNotChecked. With it, the socket that is not there is what it reports.
        Path socket = root.resolve("containerd.sock");
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/container-runtime.yaml"), "endpoints: [\"unix://" + socket + "\"]\n");
        TestPlugins.install(TestPlugins.CONTAINER_RUNTIME, plugins(), "container-runtime.jar");
        start(List.of());

        RecordingDaemonContext.awaitTrue("the runtime to be looked at", FIVE_SECONDS,
                () -> condition("ContainerRuntimeUnhealthy").map(c -> c.condition().reason().equals("NoContainerRuntime")).orElse(false));
        assertThat(condition("ContainerRuntimeUnhealthy").orElseThrow().condition().message()).contains(socket.toString());
    }

    @Test
    void aDaemonConfigWithAnUnknownFieldIsRefusedNamingFileLineAndField() throws Exception {
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/faulty.yaml"), "# faulty fixture\nmodes: healthy\n");
        TestPlugins.install(TestPlugins.FAULTY, plugins(), "faulty.jar");
        start(List.of());

        assertThat(agent.supervisor().statuses()).isEmpty();
        assertThat(get("/").body()).contains(root.resolve("config/faulty.yaml") + ":2:1: modes: unknown field &quot;modes&quot;; did you mean &quot;mode&quot;?");
    }

    @Test
    void namedInstancesEachGetTheirOwnConfig() throws Exception {
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/healthy.yaml"), "mode: healthy\n");
        TestPlugins.install(TestPlugins.FAULTY, plugins(), "faulty.jar");
        start(List.of(new DaemonInstanceConfig("faulty", "healthy-one", root.resolve("config/healthy.yaml"), true)));

        assertThat(daemon("healthy-one").orElseThrow().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(condition("FaultyProblem").orElseThrow().owner()).isEqualTo("healthy-one");
    }
}
