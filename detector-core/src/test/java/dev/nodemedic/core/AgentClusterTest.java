package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.remote.ReportClient;
import dev.nodemedic.reporter.kubernetes.BootTime;
import dev.nodemedic.reporter.kubernetes.KubernetesReporting;
import dev.nodemedic.reporter.kubernetes.KubernetesSettings;
import dev.nodemedic.reporter.kubernetes.StrategicMergeMockServer;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in cluster mode against a Kubernetes API over real HTTP (fabric8's mock server): a real
 * plugin jar's condition ends as a strategic merge patch of the node's status that carries only our
 * entry, and the same truth is on /metrics in NPD's names.
 */
class AgentClusterTest {
    static final String STATUS_PATH = "/api/v1/nodes/node-a/status";
    static final String EVENTS_PATH = "/api/v1/namespaces/default/events";

    /** CRUD mode with node status patches applied, and a node watch that does not stall the server when the agent closes it. */
    private StrategicMergeMockServer api;
    private KubernetesMockServer server;
    private KubernetesClient client;

    @TempDir
    Path root;

    private Agent agent;
    private final List<Seen> seen = new ArrayList<>();

    @BeforeEach
    void serve() {
        api = StrategicMergeMockServer.start();
        server = api.server();
        client = api.client();
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        api.close();
    }

    private Path kubeconfig() throws Exception {
        return MockKubeconfig.write(client, root);
    }

    /** A request as recorded, its body read once (reading a recorded body consumes it). */
    record Seen(RecordedRequest request, String body) {
        String line() {
            return request.getMethod() + " " + request.getPath();
        }
    }

    private Seen awaitPatchContaining(String text) throws InterruptedException {
        return awaitRequest("PATCH", STATUS_PATH, text);
    }

    /** The first request (seen already, or still to come) with this method and path whose body contains {@code text}. */
    private Seen awaitRequest(String method, String path, String text) throws InterruptedException {
        for (Seen one : seen) {
            if (one.request().getMethod().equals(method) && one.request().getPath().equals(path) && one.body().contains(text)) {
                return one;
            }
        }
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            RecordedRequest request = server.takeRequest(50, TimeUnit.MILLISECONDS);
            if (request != null) {
                // getBytes(): the server reads the same body to merge it, and may not have yet.
                Seen one = new Seen(request, new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
                seen.add(one);
                if (request.getMethod().equals(method) && request.getPath().equals(path) && one.body().contains(text)) {
                    return one;
                }
            }
        }
        throw new AssertionError("no " + method + " of " + path + " containing " + text + "; seen " + seen.stream().map(r -> r.line() + " " + r.body()).toList());
    }

    @Test
    void aKernelLogLineAppendedToAFileBecomesANodeConditionAndAnEvent() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().withNewStatus().endStatus().build())
                .create();
        Path log = Files.writeString(root.resolve("kern.log"), "");
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/kernel-monitor.json"),
                Files.readString(Path.of("../problem-daemons/kernel-log/src/main/resources/config/kernel-monitor-filelog.json"))
                        .replace("/var/log/kern.log", log.toString()));
        TestPlugins.install(TestPlugins.KERNEL_LOG, root.resolve("plugins"), "kernel-log.jar");
        AgentConfig config = new AgentConfig("node-a", root.resolve("plugins"), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), new AgentConfig.KubernetesConfig(kubeconfig(), null),
                List.of(new DaemonInstanceConfig("kernel-log", "kernel-monitor", root.resolve("config/kernel-monitor.json"), true)), null,
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        KubernetesSettings settings = KubernetesSettings.defaults("node-a", new BootTime(Instant.now().minus(Duration.ofHours(1))));
        agent = Agent.start(config, "node-a", "test", "cluster", Clock.systemUTC(),
                (vertx, registry) -> Optional.of(KubernetesReporting.connect(vertx, config.kubernetes().kubeconfigFile(), settings, Clock.systemUTC(), registry)));
        awaitPatchContaining("\"type\":\"KernelDeadlock\"");

        String now = SYSLOG_TIME.format(LocalDateTime.now());
        Files.writeString(log, now + " node-a kernel: [ 1234.567890] task docker:7 blocked for more than 120 seconds.\n", StandardOpenOption.APPEND);

        Seen patch = awaitPatchContaining("\"reason\":\"DockerHung\"");
        assertThat(patch.body()).contains("\"type\":\"KernelDeadlock\",\"status\":\"True\"")
                .contains("task docker:7 blocked for more than 120 seconds. (nodemedic)");

        Files.writeString(log, now + " node-a kernel: [ 1235.000001] Out of memory: Killed process 4242 (java) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB\n", StandardOpenOption.APPEND);
        Instant deadline = Instant.now().plusSeconds(20);
        while (client.v1().events().inNamespace("default").list().getItems().stream().noneMatch(e -> e.getReason().equals("OOMKilling"))) {
            assertThat(Instant.now()).as("an OOMKilling Event on the node").isBefore(deadline);
            server.takeRequest(50, TimeUnit.MILLISECONDS);
        }
        var event = client.v1().events().inNamespace("default").list().getItems().stream().filter(e -> e.getReason().equals("OOMKilling")).findFirst()
                .orElseThrow();
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Node");
        assertThat(event.getSource().getComponent()).isEqualTo("kernel-monitor");
        assertThat(event.getMessage()).contains("Killed process 4242 (java)");

        String metrics = AgentMetrics.scrape(agent);
        assertThat(metrics).contains("nodemedic_kernel_log_lines_read_total{daemon=\"kernel-monitor\",source=\"file\"} 2")
                .contains("problem_counter{reason=\"OOMKilling\"} 1");
    }

    @Test
    void healthzAnswersBeforeTheApiClientIsBuiltAndWhatHappenedMeanwhileReachesTheNodeOnceItIs() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().withNewStatus().endStatus().build())
                .create();
        // An expectation, not the CRUD store: the store would read the recorded body this test reads.
        server.expect().post().withPath(EVENTS_PATH).andReturn(201, new EventBuilder().withNewMetadata().withName("held").endMetadata().build())
                .always();
        Path marker = Files.writeString(root.resolve("reboot-required"), "");
        Files.writeString(root.resolve("pkgs"), "linux-image-6.1.0-27-amd64\n");
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/reboot-required.yaml"), "markerFile: " + marker + "\npackagesFile: " + root.resolve("pkgs") + "\n");
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, root.resolve("plugins"), "reboot-required.jar");
        Path socket = root.resolve("report.sock");
        AgentConfig config = new AgentConfig("node-a", root.resolve("plugins"), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), new AgentConfig.KubernetesConfig(kubeconfig(), null), List.of(), null,
                new AgentConfig.ReportConfig(null, socket, null, null, null, null));
        KubernetesSettings settings = KubernetesSettings.defaults("node-a", new BootTime(Instant.now().minus(Duration.ofHours(1))));
        // Building the client stands for all that is slow on the way to the API server: fabric8's
        // classes, the TLS context, an API server that does not answer yet. It waits for the test.
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch build = new CountDownLatch(1);
        ClusterConnector slow = (vertx, registry) -> {
            building.countDown();
            try {
                build.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(KubernetesReporting.connect(vertx, config.kubernetes().kubeconfigFile(), settings, Clock.systemUTC(), registry));
        };
        int requestsBefore = server.getRequestCount();

        CompletableFuture<Agent> started = CompletableFuture.supplyAsync(() -> {
            try {
                return Agent.start(config, "node-a", "test", "cluster", Clock.systemUTC(), slow);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            agent = started.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            build.countDown();
            agent = started.get(30, TimeUnit.SECONDS);
            throw new AssertionError("the agent did not start while its API client was being built", e);
        }
        assertThat(building.await(20, TimeUnit.SECONDS)).as("the client is being built").isTrue();

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.statusPort() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        String conditions = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.statusPort() + "/conditions")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(conditions).contains("\"type\":\"RebootRequired\",\"status\":\"True\"");
        // An event from a daemon while there is no client yet: held, not lost.
        try (ReportClient report = new ReportClient(socket, Duration.ofSeconds(10))) {
            assertThat(report.send(HttpMethod.PUT, "/v1/daemons/gpu-health",
                    "{\"conditions\":[{\"type\":\"GpuFailure\",\"reason\":\"GpuIsHealthy\",\"message\":\"all GPUs respond\"}]}"))
                    .isInstanceOfSatisfying(ReportClient.Reply.Answered.class, a -> assertThat(a.code()).isEqualTo(200));
            assertThat(report.send(HttpMethod.POST, "/v1/daemons/gpu-health/events", "{\"type\":\"Warning\",\"reason\":\"XidError\",\"message\":\"GPU 0 fell off the bus\"}"))
                    .isInstanceOfSatisfying(ReportClient.Reply.Answered.class, a -> assertThat(a.code()).isLessThan(300));
        }
        assertThat(server.getRequestCount()).as("nothing asked of the API server yet").isEqualTo(requestsBefore);

        build.countDown();
        agent.clusterConnected().get(20, TimeUnit.SECONDS);
        Seen patch = awaitPatchContaining("\"type\":\"RebootRequired\"");
        assertThat(patch.body()).contains("a reboot is required by linux-image-6.1.0-27-amd64 (nodemedic)");
        // Restart adoption: the node was read before the first patch went out.
        assertThat(seen.stream().map(Seen::line).toList()).contains("GET /api/v1/nodes/node-a").filteredOn(r -> r.startsWith("PATCH")).hasSize(1);
        // The event held while there was no client is sent.
        awaitRequest("POST", EVENTS_PATH, "\"reason\":\"XidError\"");
    }

    /** Syslog's timestamp, as NPD's filelog config reads it ({@code Jan _2 15:04:05}); local time, like the log's writer. */
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    @Test
    void aDaemonsConditionBecomesAStrategicMergePatchOfOnlyOurEntry() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
                .withNewStatus().withConditions(new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady")
                        .withMessage("kubelet is posting ready status").build()).endStatus().build()).create();
        Path marker = Files.writeString(root.resolve("reboot-required"), "");
        Files.writeString(root.resolve("pkgs"), "linux-image-6.1.0-27-amd64\n");
        Files.createDirectories(root.resolve("config"));
        Files.writeString(root.resolve("config/reboot-required.yaml"), "markerFile: " + marker + "\npackagesFile: " + root.resolve("pkgs") + "\n");
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, root.resolve("plugins"), "reboot-required.jar");
        AgentConfig config = new AgentConfig("node-a", root.resolve("plugins"), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), new AgentConfig.KubernetesConfig(kubeconfig(), null), List.of(), null,
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        KubernetesSettings settings = KubernetesSettings.defaults("node-a", new BootTime(Instant.now().minus(Duration.ofHours(1))));

        agent = Agent.start(config, "node-a", "test", "cluster", Clock.systemUTC(),
                (vertx, registry) -> Optional.of(KubernetesReporting.connect(vertx, config.kubernetes().kubeconfigFile(), settings, Clock.systemUTC(), registry)));

        Seen patch = awaitPatchContaining("\"status\":\"True\"");
        assertThat(patch.request().getHeader("Content-Type")).startsWith("application/strategic-merge-patch+json");
        String body = patch.body();
        assertThat(body).contains("\"type\":\"RebootRequired\"").contains("a reboot is required by linux-image-6.1.0-27-amd64 (nodemedic)")
                .doesNotContain("Ready\"").doesNotContain("KubeletReady");

        String metrics = AgentMetrics.scrape(agent);
        assertThat(metrics).contains("problem_gauge{reason=\"RebootRequired\",type=\"RebootRequired\"} 1")
                .contains("nodemedic_daemon_up{daemon=\"reboot-required\",plugin=\"reboot-required\"} 1");
    }
}
