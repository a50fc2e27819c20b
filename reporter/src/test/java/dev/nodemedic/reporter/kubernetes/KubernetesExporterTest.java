package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.logging.CapturedLog;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import dev.nodemedic.reporter.prometheus.PrometheusExporter;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesExporterTest {
    private static final Instant BOOT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String STATUS_PATH = "/api/v1/nodes/node-a/status";
    private static final String EVENTS_PATH = "/api/v1/namespaces/default/events";
    private static final ConditionDeclaration DEADLOCK = new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock");
    /** How long a test waits for something that should happen in milliseconds; never a fixed pause. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static Vertx vertx;

    private StrategicMergeMockServer api;
    private KubernetesMockServer server;
    private KubernetesClient client;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T01:00:00Z"));
    /**
     * A recorded request. Reading its body with {@code readUtf8} empties it, and the server reads the
     * same object to answer (it is recorded before it is answered), so only node status bodies are
     * read here, and without consuming them.
     */
    private record Seen(String method, String path, String contentType, String body) {
        static Seen of(RecordedRequest request) {
            String type = request.getHeader("Content-Type");
            // getBytes() leaves the body for the server, which may still be merging it into the node.
            String body = request.getPath().equals(STATUS_PATH) ? new String(request.getBody().getBytes(), StandardCharsets.UTF_8) : "";
            return new Seen(request.getMethod(), request.getPath(), type == null ? "" : type, body);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final List<Seen> seen = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private KubernetesClient ours;
    private PrometheusExporter prometheus;
    private KubernetesExporter exporter;
    private Reporter reporter;
    private CapturedLog log;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void connect() {
        api = StrategicMergeMockServer.start();
        server = api.server();
        client = api.client();
        log = new CapturedLog("dev.nodemedic.reporter", "dev.nodemedic.apiserver");
        scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("nodemedic-kubernetes-", 0).daemon().factory());
        ours = KubernetesClients.onVertx(vertx, KubernetesClients.tuned(new ConfigBuilder(client.getConfiguration()).build(), Duration.ofMillis(500)));
        prometheus = new PrometheusExporter();
    }

    @AfterEach
    void close() {
        if (exporter != null) {
            exporter.close();
        }
        scheduler.shutdownNow();
        ours.close();
        log.close();
        api.close();
    }

    private void startExporter(KubernetesSettings settings) throws Exception {
        exporter = new KubernetesExporter(ours, settings, clock, scheduler, prometheus.registry(), new SplittableRandom(11));
        reporter = new Reporter(List.of(exporter, prometheus), new RecentEvents(10));
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        exporter.start(reporter.book());
    }

    private void startExporter() throws Exception {
        startExporter(KubernetesSettings.defaults("node-a", new BootTime(BOOT)).withMaxIdle(Duration.ofMillis(10)));
    }

    private Node seedNode(NodeCondition... conditions) {
        Node node = new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
                .withNewStatus().withConditions(conditions).endStatus().build();
        return client.nodes().resource(node).create();
    }

    private static NodeCondition kubeletReady() {
        return NodeAdoptionTest.entry("Ready", "True", "KubeletReady", "kubelet is posting ready status", "2026-01-01T00:01:00Z");
    }

    private List<Seen> matching(String method, String path) {
        return seen.stream().filter(r -> r.method().equals(method) && r.path().startsWith(path)).toList();
    }

    /** Waits for the {@code n}th request to {@code path}, stepping the manual clock by {@code step} while it waits. */
    private Seen awaitRequest(String method, String path, int n, Duration step) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (matching(method, path).size() < n) {
            assertThat(Instant.now()).as("waiting for %s %s #%d; seen %s", method, path, n, seen).isBefore(deadline);
            clock.advance(step);
            RecordedRequest request = server.takeRequest(20, TimeUnit.MILLISECONDS);
            if (request != null) {
                seen.add(Seen.of(request));
            }
        }
        return matching(method, path).get(n - 1);
    }

    private Seen awaitPatch(int n) throws InterruptedException {
        return awaitRequest("PATCH", STATUS_PATH, n, Duration.ZERO);
    }

    private void await(String what, BooleanSupplier done) throws InterruptedException {
        awaitStepping(what, Duration.ZERO, done);
    }

    /** Waits for {@code done}, stepping the manual clock by {@code step} while it waits (through backoffs). */
    private void awaitStepping(String what, Duration step, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!done.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
            clock.advance(step);
            RecordedRequest request = server.takeRequest(20, TimeUnit.MILLISECONDS);
            if (request != null) {
                seen.add(Seen.of(request));
            }
        }
        // A request is recorded as it arrives, before what we wait for is seen: take the stragglers.
        while (seen.size() < server.getRequestCount()) {
            assertThat(Instant.now()).as("taking recorded requests").isBefore(deadline);
            RecordedRequest request = server.takeRequest(20, TimeUnit.MILLISECONDS);
            if (request != null) {
                seen.add(Seen.of(request));
            }
        }
    }

    private boolean logged(Predicate<String> line) {
        return log.lines().stream().anyMatch(line);
    }

    @Test
    void conditionsReachTheNodeAsAStrategicMergePatchOfOurEntriesOnly() throws Exception {
        seedNode(kubeletReady());
        startExporter();

        Seen first = awaitPatch(1);
        assertThat(first.contentType()).startsWith("application/strategic-merge-patch+json");
        assertThat(first.body()).isEqualTo("""
                {"status":{"conditions":[{"type":"KernelDeadlock","status":"False","lastHeartbeatTime":"2026-01-01T01:00:00Z",\
                "lastTransitionTime":"2026-01-01T01:00:00Z","reason":"KernelHasNoDeadlock","message":"kernel has no deadlock (nodemedic)"}]}}""");

        clock.advance(Duration.ofSeconds(5));
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked for more than 120 seconds.", clock.instant());
        clock.advance(Duration.ofMillis(200));

        assertThat(awaitPatch(2).body()).isEqualTo("""
                {"status":{"conditions":[{"type":"KernelDeadlock","status":"True","lastHeartbeatTime":"2026-01-01T01:00:05Z",\
                "lastTransitionTime":"2026-01-01T01:00:05Z","reason":"DockerHung","message":"task docker:7 blocked for more than 120 seconds. (nodemedic)"}]}}""");
        assertThat(matching("PUT", "/api/v1/nodes")).as("never a full update").isEmpty();
    }

    @Test
    void aRestartedAgentAdoptsAProblemRaisedDuringThisBoot() throws Exception {
        seedNode(kubeletReady(),
                NodeAdoptionTest.entry("KernelDeadlock", "True", "DockerHung", "task docker:7 blocked (nodemedic)", "2026-01-01T00:30:00Z"));
        startExporter();

        assertThat(awaitPatch(1).body()).isEqualTo("""
                {"status":{"conditions":[{"type":"KernelDeadlock","status":"True","lastHeartbeatTime":"2026-01-01T01:00:00Z",\
                "lastTransitionTime":"2026-01-01T00:30:00Z","reason":"DockerHung","message":"task docker:7 blocked (nodemedic)"}]}}""");
        assertThat(reporter.book().snapshot().get("KernelDeadlock").orElseThrow().condition().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(matching("PATCH", STATUS_PATH)).as("no flap to False before it").hasSize(1);
    }

    @Test
    void aProblemTheDaemonReDerivesBeforeTheNodeIsReadKeepsItsTransitionTimeOnTheNode() throws Exception {
        seedNode(kubeletReady(),
                NodeAdoptionTest.entry("KernelDeadlock", "True", "DockerHung", "task docker:7 blocked (nodemedic)", "2026-01-01T00:47:52Z"));
        exporter = new KubernetesExporter(ours, KubernetesSettings.defaults("node-a", new BootTime(BOOT)).withMaxIdle(Duration.ofMillis(10)), clock,
                scheduler, prometheus.registry(), new SplittableRandom(11));
        reporter = new Reporter(List.of(exporter, prometheus), new RecentEvents(10));
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        // The restarted daemon replays the line still inside its lookback before the node is read.
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        exporter.start(reporter.book());

        assertThat(awaitPatch(1).body()).contains("\"status\":\"True\"", "\"lastTransitionTime\":\"2026-01-01T00:47:52Z\"");
        assertThat(client.nodes().withName("node-a").get().getStatus().getConditions()).filteredOn(c -> c.getType().equals("KernelDeadlock"))
                .singleElement().satisfies(c -> assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:47:52Z"));
        assertThat(reporter.book().snapshot().get("KernelDeadlock").orElseThrow().condition().lastTransitionTime())
                .as("the status page says the same").isEqualTo(Instant.parse("2026-01-01T00:47:52Z"));
    }

    @Test
    void aLoneChangeIsWrittenAtOnceWithoutWaitingForTheDebounce() throws Exception {
        seedNode();
        startExporter();
        awaitPatch(1);
        clock.advance(Duration.ofSeconds(10));

        // The manual clock stands still from here: a change that waited for a window would never go.
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked for more than 120 seconds.", clock.instant());

        assertThat(awaitPatch(2).body()).contains("\"reason\":\"DockerHung\"", "\"lastTransitionTime\":\"2026-01-01T01:00:10Z\"");
    }

    private boolean ourConditionOnTheNode() {
        Node node = client.nodes().withName("node-a").get();
        return node != null && node.getStatus() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("KernelDeadlock") && c.getMessage().endsWith("(nodemedic)"));
    }

    /** After the first write the exporter watches the node; the watch's start is counted. */
    private void awaitWatch() throws InterruptedException {
        await("the watch", () -> prometheus.scrape().contains("nodemedic_api_requests_total{code=\"200\",resource=\"nodes\",verb=\"watch\"} 1.0"));
    }

    private long lines(String start) {
        return log.lines().stream().filter(l -> l.startsWith(start)).count();
    }

    @Test
    void aNodeDeletedAndCreatedAgainGetsOurConditionsBackWithinTwoSeconds() throws Exception {
        seedNode(kubeletReady());
        startExporter();
        awaitPatch(1);
        awaitWatch();
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        clock.advance(Duration.ofSeconds(1));
        await("the problem on the node", () -> client.nodes().withName("node-a").get().getStatus().getConditions().stream()
                .anyMatch(c -> "DockerHung".equals(c.getReason())));
        clock.advance(Duration.ofSeconds(1));

        client.nodes().withName("node-a").delete();
        await("the deletion noticed", () -> logged(l -> l.startsWith("WARNING node deleted from the API server node=node-a")));
        Instant recreated = Instant.now();
        seedNode(kubeletReady());

        await("our condition back", this::ourConditionOnTheNode);
        assertThat(Duration.between(recreated, Instant.now())).isLessThan(Duration.ofSeconds(2));
        assertThat(client.nodes().withName("node-a").get().getStatus().getConditions()).extracting(NodeCondition::getType)
                .containsExactlyInAnyOrder("Ready", "KernelDeadlock");
        assertThat(lines("INFO node created again without our conditions; writing the latest truth node=node-a")).isEqualTo(1);
        assertThat(lines("WARNING node deleted from the API server")).isEqualTo(1);
        assertThat(lines("WARNING node node-a does not exist")).as("no write meets a 404 while it is gone").isZero();
    }

    @Test
    void ourEntriesRemovedFromTheNodeAreWrittenAgainWithinTwoSecondsAndLoggedOnce() throws Exception {
        seedNode(kubeletReady());
        startExporter();
        awaitPatch(1);
        awaitWatch();
        clock.advance(Duration.ofSeconds(1));
        await("our condition on the node", this::ourConditionOnTheNode);

        Instant removed = Instant.now();
        client.nodes().withName("node-a").editStatus(node -> {
            node.getStatus().getConditions().removeIf(c -> c.getType().equals("KernelDeadlock"));
            return node;
        });

        await("our condition back", this::ourConditionOnTheNode);
        assertThat(Duration.between(removed, Instant.now())).isLessThan(Duration.ofSeconds(2));
        await("the log line", () -> lines("INFO our conditions were removed from the node; writing the latest truth node=node-a missing=[KernelDeadlock]") == 1);
        assertThat(client.nodes().withName("node-a").get().getStatus().getConditions()).extracting(NodeCondition::getType)
                .containsExactlyInAnyOrder("Ready", "KernelDeadlock");
        clock.advance(Duration.ofSeconds(1));
        int patches = matching("PATCH", STATUS_PATH).size();
        await("a few more steps", () -> prometheus.scrape().contains("nodemedic_heartbeat_age_seconds 1.0"));
        assertThat(matching("PATCH", STATUS_PATH)).as("repaired once, no write loop").hasSize(patches);
        assertThat(lines("INFO our conditions were removed")).isEqualTo(1);
    }

    @Test
    void aWatchTheClusterRoleRefusesIsOneWarningAndWritesGoOn() throws Exception {
        seedNode();
        server.expect().get().withPath("/api/v1/nodes?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dnode-a&watch=true")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"nodes is forbidden: cannot watch resource nodes\"}").always();
        startExporter();
        awaitPatch(1);

        await("the warning", () -> logged(l -> l.startsWith("WARNING RBAC forbids watch nodes/node-a (403): the agent's ClusterRole needs nodes get and watch")));
        clock.advance(Duration.ofSeconds(10));
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        assertThat(awaitPatch(2).body()).contains("\"reason\":\"DockerHung\"");
        awaitStepping("a retry of the watch", Duration.ofSeconds(5),
                () -> prometheus.scrape().contains("nodemedic_api_requests_total{code=\"403\",resource=\"nodes\",verb=\"watch\"} 3.0"));
        assertThat(lines("WARNING RBAC forbids watch")).as("one line while it keeps failing").isEqualTo(1);
    }

    @Test
    void afterARebootTheHealthyDefaultIsWritten() throws Exception {
        seedNode(NodeAdoptionTest.entry("KernelDeadlock", "True", "DockerHung", "hung (nodemedic)", "2025-12-31T23:00:00Z"));
        startExporter();

        assertThat(awaitPatch(1).body()).contains("\"status\":\"False\"", "\"reason\":\"KernelHasNoDeadlock\"");
    }

    @Test
    void staleTypesOfOursAreDeletedAndOtherWritersEntriesLeftAlone() throws Exception {
        seedNode(kubeletReady(),
                NodeAdoptionTest.entry("CorruptDockerOverlay2", "False", "NoCorruptDockerOverlay2", "ok (nodemedic)", "2026-01-01T00:01:00Z"),
                NodeAdoptionTest.entry("NTPProblem", "False", "NTPIsUp", "written by NPD", "2026-01-01T00:01:00Z"));
        startExporter();

        String body = awaitPatch(1).body();
        assertThat(body).contains("{\"type\":\"CorruptDockerOverlay2\",\"$patch\":\"delete\"}")
                .doesNotContain("NTPProblem", "Ready");
        await("the log line", () -> logged(l -> l.contains("stale conditions removed node=node-a types=[CorruptDockerOverlay2]")));
    }

    @Test
    void aDaemonRemovedAtRunTimeHasItsTypesDeleted() throws Exception {
        seedNode();
        startExporter();
        awaitPatch(1);

        reporter.book().withdraw("kernel-log");
        clock.advance(Duration.ofMillis(200));

        assertThat(awaitPatch(2).body()).isEqualTo("{\"status\":{\"conditions\":[{\"type\":\"KernelDeadlock\",\"$patch\":\"delete\"}]}}");
    }

    @Test
    void anUnchangedBookIsRewrittenOnlyAsAHeartbeat() throws Exception {
        seedNode();
        startExporter(KubernetesSettings.defaults("node-a", new BootTime(BOOT)).withHeartbeat(Duration.ofMinutes(2)).withMaxIdle(Duration.ofMillis(10)));
        awaitPatch(1);

        clock.advance(Duration.ofMinutes(1));
        await("a step after a minute", () -> prometheus.scrape().contains("nodemedic_heartbeat_age_seconds 60.0"));
        assertThat(matching("PATCH", STATUS_PATH)).hasSize(1);

        clock.advance(Duration.ofMinutes(1));
        String heartbeat = awaitPatch(2).body();
        assertThat(heartbeat).contains("\"lastHeartbeatTime\":\"2026-01-01T01:02:00Z\"", "\"lastTransitionTime\":\"2026-01-01T01:00:00Z\"");
        await("the heartbeat's bookkeeping", () -> prometheus.scrape().contains("nodemedic_heartbeat_age_seconds 0.0"));
        assertThat(prometheus.scrape())
                .contains("nodemedic_node_status_patch_duration_seconds_count 2")
                .contains("nodemedic_api_requests_total{code=\"200\",resource=\"nodes/status\",verb=\"patch\"} 2.0")
                .contains("nodemedic_api_requests_total{code=\"200\",resource=\"nodes\",verb=\"get\"} 1.0");
    }

    @Test
    void aMissingNodeIsLoggedAndRetriedUntilKubeletRegistersIt() throws Exception {
        startExporter();
        await("the 404 log line", () -> logged(l -> l.startsWith("WARNING node node-a does not exist on the API server (404)")));

        seedNode();

        awaitRequest("PATCH", STATUS_PATH, 1, Duration.ofMillis(500));
        await("the recovery line", () -> logged(l -> l.startsWith("INFO node read again after the API server recovered node=node-a was=NOT_FOUND")));
    }

    @Test
    void forbiddenNamesTheRbacRuleItNeedsAndIsRetried() throws Exception {
        seedNode();
        server.expect().patch().withPath(STATUS_PATH).andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"nodes \\\"node-a\\\" is forbidden\"}").once();
        startExporter();

        awaitRequest("PATCH", STATUS_PATH, 2, Duration.ofSeconds(5));
        assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith(
                "WARNING RBAC forbids patch nodes/node-a/status (403): the agent's ClusterRole needs nodes get and watch, nodes/status patch, events create and patch"));
    }

    @Test
    void anExpiredTokenSaysSo() throws Exception {
        seedNode();
        server.expect().get().withPath("/api/v1/nodes/node-a").andReturn(401, "{\"kind\":\"Status\",\"code\":401,\"message\":\"Unauthorized\"}").once();
        startExporter();

        awaitRequest("PATCH", STATUS_PATH, 1, Duration.ofSeconds(5));
        assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("refused our credentials (401): the service account token is missing, expired"));
    }

    @Test
    void throughServerErrorsAndTimeoutsTheLatestTruthFollowsTheReturn() throws Exception {
        Node node = seedNode();
        startExporter();
        awaitPatch(1);

        server.clearExpectations();
        server.expect().patch().withPath(STATUS_PATH).andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"etcdserver: request timed out\"}").times(3);
        server.expect().patch().delay(2, TimeUnit.SECONDS).withPath(STATUS_PATH).andReturn(200, node).once();

        for (int i = 1; i <= 6; i++) {
            reporter.book().set("kernel-log", "KernelDeadlock", i % 2 == 0 ? ConditionStatus.FALSE : ConditionStatus.TRUE, "Reason" + i, "change " + i, clock.instant());
            clock.advance(Duration.ofMillis(300));
        }
        // 3 errors and a timeout, then the server answers again; whatever went before, the latest truth follows.
        awaitStepping("the recovery line", Duration.ofMillis(100),
                () -> logged(l -> l.startsWith("INFO node status written again after the API server recovered")));
        awaitStepping("the latest truth", Duration.ofMillis(100),
                () -> !matching("PATCH", STATUS_PATH).isEmpty() && matching("PATCH", STATUS_PATH).getLast().body().contains("\"reason\":\"Reason6\""));
        assertThat(matching("PATCH", STATUS_PATH).getLast().body()).contains("\"reason\":\"Reason6\"", "\"status\":\"False\"");
        assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARNING the API server failed (500)"));
        assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARNING the API server did not answer"));
        assertThat(prometheus.scrape())
                .contains("nodemedic_api_requests_total{code=\"500\",resource=\"nodes/status\",verb=\"patch\"} 3.0")
                .contains("nodemedic_api_requests_total{code=\"none\",resource=\"nodes/status\",verb=\"patch\"} 1.0");
    }

    @Test
    void eventsAreCreatedOnTheNodeAndRepeatsPatchTheirCount() throws Exception {
        seedNode();
        startExporter();
        Event oom = new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 42 (java)", clock.instant());

        reporter.emit("kernel-log", oom);
        await("the event", () -> !client.v1().events().inNamespace("default").list().getItems().isEmpty());
        clock.advance(Duration.ofSeconds(30));
        reporter.emit("kernel-log", oom);
        await("the count", () -> client.v1().events().inNamespace("default").list().getItems().stream().anyMatch(e -> e.getCount() == 2));

        var event = client.v1().events().inNamespace("default").list().getItems();
        assertThat(event).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("node-a");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo("node-a");
            assertThat(e.getSource().getComponent()).isEqualTo("kernel-monitor");
            assertThat(e.getSource().getHost()).isEqualTo("node-a");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("OOMKilling");
            assertThat(e.getMessage()).isEqualTo("Killed process 42 (java)");
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T01:00:00Z");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T01:00:30Z");
        });
        // CRUD mode consumes the body of what it answers; the body itself is api-server's EventWriterTest's.
        assertThat(matching("PATCH", EVENTS_PATH)).singleElement()
                .satisfies(patch -> assertThat(patch.contentType()).startsWith("application/merge-patch+json"));
        // The writer counts a patch once it has read the answer, which may be just after the store shows it.
        await("the patch counted", () -> prometheus.scrape().contains("nodemedic_events_sent_total{verb=\"patch\"} 1.0"));
        assertThat(prometheus.scrape()).contains("nodemedic_events_sent_total{verb=\"create\"} 1.0", "nodemedic_events_sent_total{verb=\"patch\"} 1.0",
                "nodemedic_events_aggregated_total 1.0");
    }

    @Test
    void aRepeatOfAnEventTheServerNoLongerHasCreatesItAgainWithTheFullCount() throws Exception {
        seedNode();
        startExporter();
        Event hung = new Event("kernel-monitor", Severity.WARNING, "TaskHung", "task docker:7 blocked", clock.instant());
        reporter.emit("kernel-log", hung);
        await("the event", () -> client.v1().events().inNamespace("default").list().getItems().size() == 1);

        // The API server keeps Events an hour; then a repeat's patch finds nothing.
        client.v1().events().inNamespace("default").delete();
        clock.advance(Duration.ofMinutes(61));
        reporter.emit("kernel-log", hung);

        await("the event again", () -> client.v1().events().inNamespace("default").list().getItems().stream().anyMatch(e -> e.getCount() == 2));
        assertThat(matching("PATCH", EVENTS_PATH)).hasSize(1);
        assertThat(matching("POST", EVENTS_PATH)).hasSize(2);
        assertThat(prometheus.scrape()).contains("nodemedic_api_requests_total{code=\"404\",resource=\"events\",verb=\"patch\"} 1.0");
    }

    @Test
    void aCreateThatFindsTheEventAlreadyThereBecomesAPatch() throws Exception {
        // A create whose answer was lost (a timeout after the server stored it) is retried and meets 409:
        // as client-go, the writer patches the Event it would have created instead of giving up.
        seedNode();
        String name = "node-a." + Long.toHexString(Duration.between(Instant.EPOCH, clock.instant()).toNanos());
        client.v1().events().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withReason("OOMKilling").withMessage("Killed process 42 (java)").withCount(1).build()).create();
        startExporter();

        reporter.emit("kernel-log", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 42 (java)", clock.instant()));

        await("the patch after the conflict", () -> !matching("PATCH", EVENTS_PATH + "/" + name).isEmpty());
        assertThat(matching("POST", EVENTS_PATH)).as("the seed's create and the writer's").hasSize(2);
        assertThat(client.v1().events().inNamespace("default").list().getItems()).singleElement()
                .satisfies(e -> assertThat(e.getMetadata().getName()).isEqualTo(name));
        await("the patch counted", () -> prometheus.scrape().contains("nodemedic_events_sent_total{verb=\"patch\"} 1.0"));
        assertThat(prometheus.scrape()).contains("nodemedic_api_requests_total{code=\"409\",resource=\"events\",verb=\"create\"} 1.0");
    }

    @Test
    void aStormCostsTheApiServerNoMoreThanTheBudget() throws Exception {
        seedNode();
        startExporter();

        for (int i = 0; i < 2000; i++) {
            reporter.emit("kernel-log", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process " + (i % 50), clock.instant()));
        }
        assertThat(prometheus.scrape()).contains("nodemedic_events_dropped_total{reason=\"rate_limited\"} 1975.0");
        await("the buffer written out", () -> exporter.eventsBuffered() == 0);

        assertThat(matching("POST", EVENTS_PATH).size() + matching("PATCH", EVENTS_PATH).size()).isPositive().isLessThanOrEqualTo(25);
        assertThat(prometheus.scrape()).contains("problem_counter{reason=\"OOMKilling\"} 2000");
        assertThat(logged(l -> l.startsWith("WARNING events dropped node=node-a reason=rate_limited source=kernel-monitor"))).isTrue();
        assertThat(log.lines().stream().filter(l -> l.contains("reason=rate_limited"))).as("one line for the storm, not one per event").hasSize(1);

        clock.advance(Duration.ofMinutes(5));
        reporter.emit("kernel-log", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 1", clock.instant()));
        assertThat(logged(l -> l.startsWith("INFO events flowing again node=node-a source=kernel-monitor eventReason=OOMKilling droppedByBudget=1975"))).isTrue();
    }

    @Test
    void whileTheApiServerIsAwayEventsWaitInABoundedBufferAndTheRestAreCounted() throws Exception {
        seedNode();
        server.expect().post().withPath(EVENTS_PATH).andReturn(503, "{\"kind\":\"Status\",\"code\":503,\"message\":\"unavailable\"}").always();
        startExporter(KubernetesSettings.defaults("node-a", new BootTime(BOOT)).withEventBuffer(5).withMaxIdle(Duration.ofMillis(10)));

        for (int i = 0; i < 20; i++) {
            reporter.emit("kernel-log", new Event("disk-daemon-" + i, Severity.WARNING, "IOError", "I/O error on sda", clock.instant()));
        }
        await("a failed create", () -> logged(l -> l.startsWith("WARNING the API server failed (503); create events is retried with backoff up to every 1s node=node-a code=503 detail=\"unavailable\"")));
        assertThat(prometheus.scrape()).contains("nodemedic_events_dropped_total{reason=\"buffer_full\"} 15.0");

        server.clearExpectations();
        awaitStepping("the buffered events", Duration.ofMillis(100), () -> client.v1().events().inNamespace("default").list().getItems().size() == 5);
        await("the recovery line", () -> logged(l -> l.startsWith("INFO events written again after the API server recovered node=node-a was=SERVER_ERROR")));
    }
}
