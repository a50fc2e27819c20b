package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** NPD's command line, read by {@code nodemedic run} as NPD reads it, and what each flag becomes in the agent config. */
class NpdFlagsTest {
    @TempDir
    Path home;

    /** NPD's own DaemonSet (deployment/node-problem-detector.yaml): its container's command after the binary. */
    static final List<String> NPD_MANIFEST = List.of("--logtostderr", "--config.system-log-monitor=/config/kernel-monitor.json,/config/docker-monitor.json");

    private NpdFlags parse(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("run"));
        argv.addAll(args);
        CommandLine.ParseResult parsed = new CommandLine(new NodemedicCommand(home)).parseArgs(argv.toArray(String[]::new));
        return ((RunCommand) parsed.subcommand().commandSpec().userObject()).npd;
    }

    private AgentConfig applied(String... args) {
        return parse(List.of(args)).applyTo(new AgentConfig(null, null, null, null, null, null, null, null, null));
    }

    @Test
    void npdsOwnManifestRunsExactlyTheMonitorsItNames() {
        NpdFlags npd = parse(NPD_MANIFEST);
        AgentConfig config = npd.applyTo(new AgentConfig(null, null, null, null, null, null, null, null, null));

        assertThat(config.daemons()).containsExactly(
                new DaemonInstanceConfig("kernel-log", "kernel-monitor", Path.of("/config/kernel-monitor.json"), true),
                new DaemonInstanceConfig("kernel-log", "docker-monitor", Path.of("/config/docker-monitor.json"), true));
        // NPD runs only the monitors its flags name: no other built-in daemon runs beside them.
        assertThat(config.onlyListedDaemons()).isTrue();
        assertThat(npd.reportsToKubernetes()).isTrue();
        // NPD's defaults are ours.
        assertThat(config.status()).isEqualTo(new AgentConfig.StatusConfig("127.0.0.1", 20256));
        assertThat(config.metrics()).isEqualTo(new AgentConfig.MetricsConfig("127.0.0.1", 20257));
        assertThat(npd.ignored()).singleElement().asString().startsWith("klog's flags");
    }

    @Test
    void npdsHealthCheckerManifestAddsItsCustomPluginMonitor() {
        List<String> args = new ArrayList<>(NPD_MANIFEST);
        args.add("--config.custom-plugin-monitor=/config/health-checker-kubelet.json");

        assertThat(parse(args).applyTo(new AgentConfig(null, null, null, null, null, null, null, null, null)).daemons())
                .contains(new DaemonInstanceConfig("custom-plugin", "health-checker-kubelet", Path.of("/config/health-checker-kubelet.json"), true));
    }

    static Stream<Arguments> flagsAndWhatTheyBecome() {
        return Stream.of(
                Arguments.of(List.of("--address=0.0.0.0", "--port=20258"), "status", new AgentConfig.StatusConfig("0.0.0.0", 20258)),
                Arguments.of(List.of("--address", "10.0.0.1", "--port", "20300"), "status", new AgentConfig.StatusConfig("10.0.0.1", 20300)),
                Arguments.of(List.of("--prometheus-address=0.0.0.0", "--prometheus-port=9256"), "metrics", new AgentConfig.MetricsConfig("0.0.0.0", 9256)),
                Arguments.of(List.of("--hostname-override=node-b"), "nodeName", "node-b"),
                Arguments.of(List.of("--k8s-exporter-heartbeat-period=5m0s"), "heartbeat", Duration.ofMinutes(5)),
                Arguments.of(List.of("--k8s-exporter-heartbeat-period", "1m30s"), "heartbeat", Duration.ofSeconds(90)),
                Arguments.of(List.of("--apiserver-override=https://10.0.0.1:6443?inClusterConfig=false&auth=/var/lib/kubelet/kubeconfig"), "kubeconfig",
                        Path.of("/var/lib/kubelet/kubeconfig")),
                Arguments.of(List.of("--system-log-monitors=/etc/npd/kernel-monitor.json"), "daemons",
                        List.of(new DaemonInstanceConfig("kernel-log", "kernel-monitor", Path.of("/etc/npd/kernel-monitor.json"), true))),
                Arguments.of(List.of("--custom-plugin-monitors=/etc/npd/a.json,/etc/npd/b.json"), "daemons",
                        List.of(new DaemonInstanceConfig("custom-plugin", "a", Path.of("/etc/npd/a.json"), true),
                                new DaemonInstanceConfig("custom-plugin", "b", Path.of("/etc/npd/b.json"), true))),
                // pflag's slices are repeatable.
                Arguments.of(List.of("--config.custom-plugin-monitor=/c/a.json", "--config.custom-plugin-monitor=/c/b.json"), "daemons",
                        List.of(new DaemonInstanceConfig("custom-plugin", "a", Path.of("/c/a.json"), true),
                                new DaemonInstanceConfig("custom-plugin", "b", Path.of("/c/b.json"), true))),
                Arguments.of(List.of("--config.system-stats-monitor=/config/system-stats-monitor.json"), "daemons",
                        List.of(new DaemonInstanceConfig("system-stats", "system-stats-monitor", Path.of("/config/system-stats-monitor.json"), true))));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("flagsAndWhatTheyBecome")
    void eachFlagMapsOntoTheAgentConfig(List<String> args, String field, Object expected) {
        AgentConfig config = parse(args).applyTo(new AgentConfig(null, null, null, null, null, null, null, null, null));
        Object actual = switch (field) {
            case "status" -> config.status();
            case "metrics" -> config.metrics();
            case "nodeName" -> config.nodeName();
            case "heartbeat" -> config.kubernetes().heartbeat();
            case "kubeconfig" -> config.kubernetes().kubeconfig();
            case "daemons" -> config.daemons();
            default -> throw new IllegalArgumentException(field);
        };
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void withoutMonitorFlagsEveryDaemonRunsAsBefore() {
        AgentConfig config = applied("--prometheus-port=20300", "--logtostderr");
        assertThat(config.onlyListedDaemons()).isFalse();
        assertThat(config.daemons()).isEmpty();
    }

    @Test
    void theK8sExporterOffIsLocalMode() {
        assertThat(parse(List.of("--enable-k8s-exporter=false")).reportsToKubernetes()).isFalse();
        assertThat(parse(List.of("--enable-k8s-exporter")).reportsToKubernetes()).isTrue();
        assertThat(parse(List.of("--enable-k8s-exporter=true")).reportsToKubernetes()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--logtostderr", "--logtostderr=true", "--alsologtostderr", "-v=2", "-v", "--v=4", "--vmodule=manager=4",
            "--log_dir=/var/log/npd", "--log_file=/var/log/npd.log", "--log_file_max_size=1800", "--stderrthreshold=2", "--log_backtrace_at=:0",
            "--add_dir_header", "--skip_headers", "--skip_log_headers", "--one_output=true", "--apiserver-wait-timeout=5m", "--apiserver-wait-interval=5s",
            "--kube-api-qps=500", "--kube-api-burst=500", "--k8s-exporter-write-events", "--k8s-exporter-update-node-conditions=true"})
    void klogsAndHarmlessFlagsAreAcceptedAndNamed(String flag) {
        // "-v" alone takes the next word as its level, as pflag's -v does.
        List<String> args = flag.equals("-v") ? List.of("-v", "3") : List.of(flag);
        NpdFlags npd = parse(args);
        npd.applyTo(new AgentConfig(null, null, null, null, null, null, null, null, null));
        if (!flag.startsWith("--k8s-exporter")) {
            assertThat(npd.ignored()).as("a log line says %s has no effect", flag).isNotEmpty();
        }
    }

    static Stream<Arguments> refusedFlags() {
        return Stream.of(
                Arguments.of(List.of("--exporter.stackdriver=/config/exporter/stackdriver-exporter.json"),
                        "--exporter.stackdriver is not carried over"),
                Arguments.of(List.of("--port=0"), "--port=0 turns NPD's server off; nodemedic's cannot be turned off"),
                Arguments.of(List.of("--prometheus-port=0"), "--prometheus-port=0 turns NPD's server off"),
                Arguments.of(List.of("--port=70000"), "port 70000 is not a TCP port"),
                Arguments.of(List.of("--k8s-exporter-write-events=false"), "nodemedic writes both node conditions and events, or neither"),
                Arguments.of(List.of("--k8s-exporter-update-node-conditions=false"), "--enable-k8s-exporter=false, or --local"),
                Arguments.of(List.of("--apiserver-override=https://10.0.0.1:6443"), "give --kubeconfig FILE"),
                Arguments.of(List.of("--k8s-exporter-heartbeat-period=1s"), "heartbeat must be at least 10s"),
                Arguments.of(List.of("--system-log-monitors=/a/k.json", "--config.system-log-monitor=/a/d.json"),
                        "--system-log-monitors and --config.system-log-monitor are both given"),
                Arguments.of(List.of("--config.system-log-monitor=/a/monitor.json", "--config.custom-plugin-monitor=/b/monitor.json"),
                        "--config.custom-plugin-monitor: /b/monitor.json would be daemon instance monitor, as is /a/monitor.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedFlags")
    void whatIsNotCarriedOverIsRefusedNamingTheFlagAndWhatToUse(List<String> args, String message) {
        assertThatThrownBy(() -> parse(args).applyTo(new AgentConfig(null, null, null, null, null, null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.execute(home, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void runRefusesANotCarriedOverFlagWithExitTwo() {
        assertThat(run("run", "--logtostderr", "--exporter.stackdriver=/config/sd.json")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nodemedic: NPD's flag --exporter.stackdriver is not carried over");
    }

    @Test
    void aFlagNeitherNpdNorNodemedicHasIsStillUnknown() {
        assertThat(run("run", "--config.problem-monitor=/x.json")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--config.problem-monitor=/x.json'");
    }

    @Test
    void npdsPortFlagsReachTheServers() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // The manifest's own command line, with --port on a port another process holds: the agent must try that one.
            List<String> argv = new ArrayList<>(List.of("run", "--enable-k8s-exporter=false", "--port=" + taken.getLocalPort(), "--stop-after", "1s"));
            argv.addAll(NPD_MANIFEST);

            assertThat(run(argv.toArray(String[]::new))).isEqualTo(2);

            assertThat(err.toString(StandardCharsets.UTF_8)).contains("the status server cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
