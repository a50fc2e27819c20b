package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.remote.ReportClient;
import dev.nodemedic.core.report.ReportCommand;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.core.supervision.Supervisor;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.reporter.OwnedCondition;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote daemons as they run: separate processes (the shipped example sidecar, a shell script with
 * curl, and the {@code nodemedic report} CLI in its own JVM) report to a running agent over its socket,
 * are refused, and die. Leases lapse when the test moves the agent's clock.
 */
class RemoteDaemonProcessTest {
    /** Processes start slowly on a busy two-core machine; waits end as soon as the outcome is there. */
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final Path EXAMPLE = Path.of("src/dist/examples/sidecar/conntrack-detector.sh");

    @TempDir
    Path root;

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    final HttpClient http = HttpClient.newHttpClient();
    final List<Process> processes = new ArrayList<>();
    Agent agent;
    Path socket;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(root.resolve("plugins"));
        socket = root.resolve("run/report.sock");
        AgentConfig config = new AgentConfig("node-a", root.resolve("plugins"), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null, List.of(), null, new AgentConfig.ReportConfig(null, socket, null, null, null, null));
        agent = Agent.start(config, "node-a", "test", "local", clock, ClusterConnector.none());
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        agent.close();
    }

    Optional<OwnedCondition> condition(String type) {
        return agent.reporter().book().snapshot().get(type);
    }

    Optional<DaemonStatus> daemon(String name) {
        return agent.roster().all().stream().filter(d -> d.instanceName().equals(name)).findFirst();
    }

    boolean conditionIs(String type, ConditionStatus status, String reason) {
        return condition(type).map(c -> c.condition().status() == status && c.condition().reason().equals(reason)).orElse(false);
    }

    String status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.statusPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String metrics() {
        return AgentMetrics.scrape(agent);
    }

    Process example(String name, Path netfilter) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sh", EXAMPLE.toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve(name + ".log").toFile());
        builder.environment().putAll(Map.of("NODEMEDIC_REPORT_SOCKET", socket.toString(), "DAEMON_NAME", name, "INTERVAL", "1",
                "NETFILTER_DIR", netfilter.toString()));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    @Test
    void theExampleSidecarReportsIsRefusedADuplicateTypeDiesAndItsLeaseLapses() throws Exception {
        Path netfilter = Files.createDirectories(root.resolve("netfilter"));
        Files.writeString(netfilter.resolve("nf_conntrack_max"), "1000\n");
        Files.writeString(netfilter.resolve("nf_conntrack_count"), "100\n");
        Process sidecar = example("conntrack", netfilter);
        RecordingDaemonContext.awaitTrue("the sidecar to register and report", PATIENCE,
                () -> conditionIs("ConntrackTableFull", ConditionStatus.FALSE, "ConntrackTableHasRoom")
                        && condition("ConntrackTableFull").get().condition().message().equals("the conntrack table holds 100 of 1000 entries"));
        assertThat(condition("ConntrackTableFull").orElseThrow().owner()).isEqualTo("conntrack");
        // It declared the reason it may report, so NPD's series are there before the first problem.
        assertThat(metrics()).contains("problem_counter{reason=\"ConntrackTableNearlyFull\"} 0\n",
                "problem_gauge{reason=\"ConntrackTableNearlyFull\",type=\"ConntrackTableFull\"} 0\n");

        Files.writeString(netfilter.resolve("nf_conntrack_count"), "950\n");
        RecordingDaemonContext.awaitTrue("the table to be reported nearly full", PATIENCE,
                () -> conditionIs("ConntrackTableFull", ConditionStatus.TRUE, "ConntrackTableNearlyFull"));
        RecordingDaemonContext.awaitTrue("the Warning event", PATIENCE, () -> agent.reporter().recentEvents().newestFirst().stream()
                .anyMatch(e -> e.event().reason().equals("ConntrackTableNearlyFull") && e.event().source().equals("conntrack")));

        // Remote daemons are seen where plugin daemons are.
        assertThat(status("/conditions")).contains("{\"type\":\"ConntrackTableFull\",\"status\":\"True\",\"reason\":\"ConntrackTableNearlyFull\","
                + "\"message\":\"the conntrack table holds 950 of 1000 entries (95%); new connections are dropped when it is full\"");
        assertThat(status("/conditions")).contains("\"daemon\":\"conntrack\"");
        assertThat(status("/")).contains("<td>conntrack</td><td>remote</td><td>1.0.0</td><td class=\"ok\">running since")
                .contains("remote daemons report on <code>" + socket + "</code>");
        assertThat(metrics()).contains("nodemedic_daemon_up{daemon=\"conntrack\",plugin=\"remote\"} 1.0")
                .contains("problem_gauge{reason=\"ConntrackTableNearlyFull\",type=\"ConntrackTableFull\"} 1")
                .as("its Warning event announces the change: one problem, counted once")
                .contains("problem_counter{reason=\"ConntrackTableNearlyFull\"} 1\n");

        // A second copy declares the same type: refused, naming the field, and it gives up with its exit code.
        Process copy = example("conntrack-copy", netfilter);
        assertThat(copy.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(copy.exitValue()).isEqualTo(2);
        assertThat(Files.readString(root.resolve("conntrack-copy.log"))).contains("registration refused (409)")
                .contains("\"field\":\"conditions[0].type\"").contains("condition type ConntrackTableFull is already owned by daemon conntrack");
        assertThat(condition("ConntrackTableFull").orElseThrow().owner()).isEqualTo("conntrack");

        // It dies without a word; nothing changes until its lease (3 intervals, at least 5 s) has lapsed.
        sidecar.descendants().forEach(ProcessHandle::destroyForcibly);
        sidecar.destroyForcibly().waitFor();
        clock.advance(Duration.ofSeconds(4));
        agent.remoteDaemons().expire(clock.instant());
        assertThat(condition("ConntrackTableFull").orElseThrow().condition().status()).isEqualTo(ConditionStatus.TRUE);
        clock.advance(Duration.ofSeconds(2));
        RecordingDaemonContext.awaitTrue("the lapse to be noticed by the supervision loop", PATIENCE,
                () -> conditionIs("ConntrackTableFull", ConditionStatus.UNKNOWN, Supervisor.NOT_RUNNING));
        assertThat(condition("ConntrackTableFull").orElseThrow().condition().message()).startsWith("conntrack stopped: no report or lease renewal for 5s");
        RecordingDaemonContext.awaitTrue("the status page's list to show it", PATIENCE,
                () -> daemon("conntrack").map(d -> d.state() == DaemonState.LEASE_EXPIRED).orElse(false));
        assertThat(metrics()).contains("nodemedic_daemon_up{daemon=\"conntrack\",plugin=\"remote\"} 0.0");

        // Back again: what it said returns at once, it counts as a restart, and a TERM makes it unregister.
        Process again = example("conntrack", netfilter);
        RecordingDaemonContext.awaitTrue("the sidecar to register again", PATIENCE,
                () -> daemon("conntrack").map(d -> d.state() == DaemonState.RUNNING && d.restarts() == 1).orElse(false));
        RecordingDaemonContext.awaitTrue("the report after it", PATIENCE, () -> conditionIs("ConntrackTableFull", ConditionStatus.TRUE, "ConntrackTableNearlyFull"));
        again.destroy();
        assertThat(again.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).isZero();
        assertThat(condition("ConntrackTableFull")).as("withdrawn, as a removed plugin's").isEmpty();
        assertThat(daemon("conntrack")).isEmpty();

        stillServesOthers();
    }

    /** The CLI as a sidecar script calls it: its own JVM, exit codes to act on. */
    @Test
    void theCliRegistersReportsIsRefusedAndSaysWhenToRegisterAgain() throws Exception {
        Cli registered = cli("report", "register", "cli-check", "--socket", socket.toString(), "--lease", "5s", "-c", "CliCheck=CliHealthy:all good",
                "--version", "2.0.1");
        assertThat(registered.exit()).as(registered.toString()).isZero();
        assertThat(registered.out()).startsWith("registered cli-check: owns [CliCheck=False], lease 5s until 2026-11-23T12:00:05Z");
        Cli set = cli("report", "set", "--socket", socket.toString(), "cli-check", "CliCheck", "True", "Broken", "it broke");
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(conditionIs("CliCheck", ConditionStatus.TRUE, "Broken")).isTrue();

        Cli kubelets = cli("report", "register", "--socket", socket.toString(), "sneaky", "-c", "Ready=KubeletReady");
        assertThat(kubelets.exit()).isEqualTo(ReportCommand.REFUSED);
        assertThat(kubelets.err()).contains("conditions[0].type: condition type Ready belongs to kubelet and cannot be declared by a daemon (HTTP 400 Invalid)");

        Cli nowhere = cli("report", "renew", "--socket", root.resolve("nowhere.sock").toString(), "cli-check");
        assertThat(nowhere.exit()).isEqualTo(ReportCommand.UNREACHABLE);
        assertThat(nowhere.err()).contains("the agent is unreachable on " + root.resolve("nowhere.sock"));

        clock.advance(Duration.ofSeconds(6));
        Cli late = cli("report", "event", "--socket", socket.toString(), "cli-check", "Broken", "still broken");
        assertThat(late.exit()).as(late.toString()).isEqualTo(ReportCommand.NOT_REGISTERED);
        assertThat(late.err()).contains("the lease of cli-check expired at 2026-11-23T12:00:05Z").contains("(HTTP 410 Expired)");
        assertThat(conditionIs("CliCheck", ConditionStatus.UNKNOWN, Supervisor.NOT_RUNNING)).isTrue();

        stillServesOthers();
    }

    void stillServesOthers() throws Exception {
        try (ReportClient client = new ReportClient(socket, Duration.ofSeconds(10))) {
            var registered = (ReportClient.Reply.Answered) client.send(HttpMethod.PUT, "/v1/daemons/latecomer",
                    "{\"conditions\":[{\"type\":\"LateProblem\",\"reason\":\"NoLateProblem\"}]}");
            assertThat(registered.code()).isEqualTo(200);
            var set = (ReportClient.Reply.Answered) client.send(HttpMethod.PUT, "/v1/daemons/latecomer/conditions/LateProblem",
                    "{\"status\":\"True\",\"reason\":\"Late\"}");
            assertThat(set.code()).isEqualTo(200);
        }
        assertThat(conditionIs("LateProblem", ConditionStatus.TRUE, "Late")).isTrue();
        assertThat(status("/healthz")).isEqualTo("ok\n");
    }

    record Cli(int exit, String out, String err) {
    }

    Cli cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(root, "cli", ".out");
        Path err = Files.createTempFile(root, "cli", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        processes.add(process);
        assertThat(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("nodemedic %s to finish", String.join(" ", args)).isTrue();
        return new Cli(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
