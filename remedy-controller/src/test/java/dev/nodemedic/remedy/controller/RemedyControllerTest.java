package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.ActionsByMode;
import dev.nodemedic.remedy.action.ClusterPods;
import dev.nodemedic.remedy.action.EvictionDrainer;
import dev.nodemedic.remedy.action.Eventually;
import dev.nodemedic.remedy.action.KubernetesNodeActions;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import dev.nodemedic.remedy.event.NodeConditionPatch;
import dev.nodemedic.remedy.event.RemedyEventRecorder;
import dev.nodemedic.remedy.policy.Budgets;
import dev.nodemedic.remedy.policy.ConditionRule;
import dev.nodemedic.remedy.policy.NodeRemedyLedger;
import dev.nodemedic.remedy.policy.NodeRemedyLedgerSpec;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicySpec;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import dev.nodemedic.remedy.policy.Recovery;
import dev.nodemedic.remedy.policy.RemedyStep;
import dev.nodemedic.remedy.scheduling.ManualScheduler;
import dev.nodemedic.remedy.scheduling.Scheduler;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller against fabric8's mock API server in CRUD mode: real informers, real patches, a manual clock. */
@EnableKubernetesMockClient(crud = true)
class RemedyControllerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(20);

    KubernetesClient client;
    KubernetesMockServer server;
    private final ManualClock clock = new ManualClock(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RemedyMetrics metrics = new RemedyMetrics(registry);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    /** The timer of the controller the test runs, for {@link #awaitWritten}. */
    private ManualScheduler controllerScheduler;

    @AfterEach
    void closeAll() throws Exception {
        // The mock server sends a watch its events on its one event loop, and closing a watch while an event
        // is on its way blocks that loop until the server's shutdown times out (seen once in CI: "Unable to
        // close MockWebServer"). A write the controller made after the test's last check (a ledger after the
        // node it records) is such an event: close once the server has taken no request for a while.
        awaitApiServerQuiet();
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
        // A watch the controller closed may still hold its connection for a moment; the mock server's
        // shutdown waits for every connection (10 s) and fails the test. Closing the client ends them now.
        client.close();
    }

    private void awaitApiServerQuiet() {
        Eventually.until("the API server to take no request for 300 ms", WAIT, () -> {
            int before = server.getRequestCount();
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            return server.getRequestCount() == before;
        });
    }

    /** @param eventScheduler the Events' thread and timer, apart from the passes', as the runtime's */
    private Actions actions(Mode mode, KubernetesClient eventClient, Scheduler eventScheduler) {
        RemedyEventRecorder events = new RemedyEventRecorder(eventClient, eventScheduler, clock, mode, "remedy-0", metrics);
        ClusterPods pods = ClusterPods.start(client);
        toClose.add(pods);
        // As the runtime's readiness: a drain before the pods are listed fails and is tried again only when the
        // manual clock reaches its retry; and an informer closed while it still lists can open its watch during the close.
        Eventually.until("pods and budgets watched", WAIT, () -> pods.synced() && pods.watching());
        return new Actions(mode, new KubernetesNodeActions(client, events, clock, mode),
                new EvictionDrainer(client, pods, events, clock, mode, new Random(1)), events, new NodeConditionPatch(client, events, clock, mode));
    }

    private ManualScheduler start(ControllerSettings settings) {
        return start(settings, client);
    }

    /** @param eventClient the client the Events are written with */
    private ManualScheduler start(ControllerSettings settings, KubernetesClient eventClient) {
        ManualScheduler scheduler = new ManualScheduler(clock);
        controllerScheduler = scheduler;
        RemedyController controller = new RemedyController(client, scheduler, clock, metrics, actionsByMode(eventClient), settings);
        toClose.add(controller);
        controller.start();
        Eventually.until("controller watching", WAIT, controller::watching);
        return scheduler;
    }

    /** Both modes' actions, their Events on one thread of their own that is closed after the controller, as the runtime's. */
    private ActionsByMode actionsByMode(KubernetesClient eventClient) {
        ManualScheduler events = new ManualScheduler(clock);
        toClose.add(events);
        return new ActionsByMode(actions(Mode.APPLY, eventClient, events), actions(Mode.DRY_RUN, eventClient, events));
    }

    private static RemedyStep cordon(String timeout) {
        return new RemedyStep(null, new RemedyStep.CordonStep(), null, null, timeout, null);
    }

    private static RemedyStep taint(String timeout) {
        return new RemedyStep(new RemedyStep.TaintStep("remedy.nodemedic.dev/unhealthy", "KernelDeadlock", "NoSchedule"), null, null, null, timeout, null);
    }

    private void policy(boolean dryRun, int maxAttempts, RemedyStep... steps) {
        NodeRemedyPolicy policy = new NodeRemedyPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName("kernel").build());
        policy.setSpec(new NodeRemedyPolicySpec(new LabelSelector(), null, List.of(new ConditionRule("KernelDeadlock", "True", "5m", null, null)),
                List.of(steps), new Budgets(new IntOrString("100%"), new IntOrString(1), 1, "5m", "30m", maxAttempts, "24h"),
                new Recovery("10m"), dryRun, false, null));
        client.resources(NodeRemedyPolicy.class).resource(policy).create();
    }

    private static NodeCondition kernelDeadlock(String status, Instant since, Instant heartbeat) {
        return new NodeConditionBuilder().withType("KernelDeadlock").withStatus(status).withReason("True".equals(status) ? "DockerHung" : "KernelHasNoDeadlock")
                .withLastTransitionTime(since.toString()).withLastHeartbeatTime(heartbeat.toString()).build();
    }

    private Node seedNode(String name, NodeCondition condition, Map<String, String> annotations) {
        Node node = new NodeBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().endSpec().withNewStatus().withConditions(condition).endStatus().build();
        return client.nodes().resource(node).create();
    }

    private void setCondition(String name, NodeCondition condition) {
        client.nodes().withName(name).edit(n -> new NodeBuilder(n).editStatus().withConditions(condition).endStatus().build());
    }

    private Node node(String name) {
        return client.nodes().withName(name).get();
    }

    private Optional<Ledger> ledger(String name) {
        return Optional.ofNullable(client.resources(NodeRemedyLedger.class).withName(name).get()).map(l -> LedgerCodec.decode(l.getSpec()));
    }

    private void seedLedger(String node, NodeRemedyLedgerSpec spec) {
        NodeRemedyLedger ledger = new NodeRemedyLedger();
        ledger.setMetadata(new ObjectMetaBuilder().withName(node).build());
        ledger.setSpec(spec);
        client.resources(NodeRemedyLedger.class).resource(ledger).create();
    }

    private double untrusted(String reason) {
        var counter = registry.find("nodemedic_remedy_untrusted_ledgers_total").tags("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private NodeRemedyPolicyStatus status() {
        NodeRemedyPolicy policy = client.resources(NodeRemedyPolicy.class).withName("kernel").get();
        return policy == null ? null : policy.getStatus();
    }

    private void awaitStatus(String what, Predicate<NodeRemedyPolicyStatus> condition) {
        awaitWritten(what + " (status: " + status() + ")", () -> {
            NodeRemedyPolicyStatus status = status();
            return status != null && condition.test(status);
        });
    }

    /**
     * Waits for what a write of the controller's brings about. A write the API server fails (under load the mock can
     * answer later than the client waits) is tried again when its backoff is over, and on the manual clock that comes
     * only when the test moves it: a wake-up one of the first backoff waits from now is such a retry, and the clock is
     * moved to it. No other wake-up is, so every other time the test sets or asserts stays as it was.
     */
    private void awaitWritten(String what, BooleanSupplier written) {
        Eventually.until(what, WAIT, () -> {
            if (written.getAsBoolean()) {
                return true;
            }
            Instant now = clock.instant();
            Stream.of(1, 2, 3).map(failures -> NodeRetries.BACKOFF.ceiling(failures, NodeRetries.MAX))
                    .filter(wait -> controllerScheduler.wakeUps().contains(now.plus(wait))).findFirst()
                    .ifPresent(controllerScheduler::advance);
            return false;
        });
    }

    private static Optional<NodeEntry> entry(NodeRemedyPolicyStatus status, String node) {
        return status.nodes() == null ? Optional.empty() : status.nodes().stream().filter(n -> n.node().equals(node)).findFirst();
    }

    private List<String> eventReasons(String node) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(node)).map(Event::getReason).toList();
    }

    private double actions(String action, String result) {
        var counter = registry.find("nodemedic_remedy_actions_total").tags("policy", "kernel", "action", action, "result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void cordonsExactlyWhenMinDurationHasPassedAndUndoesAfterRecovery() {
        clock.set(T0.plus(Duration.ofMinutes(1)));
        seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        policy(false, 3, cordon("10m"));
        ManualScheduler scheduler = start(ControllerSettings.DEFAULT);

        awaitStatus("node-a pending", s -> entry(s, "node-a").map(e -> e.state().equals("Pending")).orElse(false));
        NodeEntry pending = entry(status(), "node-a").orElseThrow();
        assertThat(pending.due()).isEqualTo(T0.plus(Duration.ofMinutes(5)).toString());
        assertThat(pending.next()).isEqualTo("cordon");
        assertThat(status().phase()).isEqualTo("Active");
        Eventually.until("a wake-up at the due time", WAIT, () -> scheduler.wakeUps().contains(T0.plus(Duration.ofMinutes(5))));
        assertThat(node("node-a").getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);

        scheduler.advance(Duration.ofMinutes(4));

        awaitWritten("node-a cordoned", () -> Boolean.TRUE.equals(node("node-a").getSpec().getUnschedulable()));
        awaitWritten("ledger written", () -> ledger("node-a").flatMap(Ledger::current).isPresent());
        Ledger.Attempt attempt = ledger("node-a").flatMap(Ledger::current).orElseThrow();
        assertThat(attempt.startedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(attempt.step()).isZero();
        awaitStatus("node-a in flight", s -> s.inFlightNodes() == 1 && entry(s, "node-a").map(e -> e.state().equals("InFlight")).orElse(false));
        assertThat(status().recentActions()).first().satisfies(a -> {
            assertThat(a.action()).isEqualTo("cordon");
            assertThat(a.result()).isEqualTo("applied");
            assertThat(a.node()).isEqualTo("node-a");
        });
        assertThat(actions("cordon", "applied")).isEqualTo(1.0);
        assertThat(registry.find("nodemedic_remedy_nodes_in_flight").tags("policy", "kernel").gauge().value()).isEqualTo(1.0);

        scheduler.advance(Duration.ofMinutes(1));
        setCondition("node-a", kernelDeadlock("False", clock.instant(), clock.instant()));
        Eventually.until("the status write after the recovery is due", WAIT,
                () -> scheduler.wakeUps().contains(clock.instant().plus(PolicyStatusWriter.INTERVAL)));
        // Status writes are at most one per PolicyStatusWriter.INTERVAL; the recovery's is the second within it.
        scheduler.advance(PolicyStatusWriter.INTERVAL);
        awaitStatus("node-a recovering", s -> entry(s, "node-a").map(e -> e.state().equals("Recovering")).orElse(false));
        assertThat(entry(status(), "node-a").orElseThrow().due()).isEqualTo(T0.plus(Duration.ofMinutes(16)).toString());
        assertThat(node("node-a").getSpec().getUnschedulable()).isTrue();

        scheduler.advance(Duration.ofMinutes(10).minus(PolicyStatusWriter.INTERVAL));

        awaitWritten("node-a uncordoned", () -> !Boolean.TRUE.equals(node("node-a").getSpec().getUnschedulable()));
        awaitWritten("ledger closed", () -> ledger("node-a").map(l -> l.current().isEmpty()).orElse(false));
        assertThat(ledger("node-a").orElseThrow().attemptStarts()).containsExactly(T0.plus(Duration.ofMinutes(5)));
        awaitWritten("events", () -> eventReasons("node-a").contains("RemedyUndone"));
        assertThat(eventReasons("node-a")).contains("RemedyCordoned", "RemedyUndone");
        assertThat(actions("undo", "applied")).isEqualTo(1.0);
    }

    /** Issue 18: a node a person cordoned was counted in flight and drained. */
    @Test
    void aNodeAPersonCordonedIsLeftToThemSaidOnceAndNotCountedInFlight() {
        clock.set(T0.plus(Duration.ofMinutes(30)));
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
                .withNewSpec().withUnschedulable(true).endSpec()
                .withNewStatus().withConditions(kernelDeadlock("True", T0, clock.instant())).endStatus().build()).create();
        seedNode("node-b", kernelDeadlock("True", T0.plusSeconds(1), clock.instant()), Map.of());
        policy(false, 3, cordon("5m"), new RemedyStep(null, null, new RemedyStep.DrainStep(30L), null, "10m", null));
        ManualScheduler scheduler = start(ControllerSettings.DEFAULT);

        // maxInFlight is 1: node-b is acted on because node-a, older, is not counted.
        awaitWritten("node-b cordoned", () -> Boolean.TRUE.equals(node("node-b").getSpec().getUnschedulable()));
        awaitStatus("node-a held by a person", s -> entry(s, "node-a").map(e -> e.state().equals("HeldByPerson")).orElse(false)
                && s.inFlightNodes() == 1);
        assertThat(entry(status(), "node-a").orElseThrow().message()).contains("in a person's hands").contains("actOnCordonedNodes");
        awaitWritten("the held-by-person Event", () -> eventReasons("node-a").contains("RemedyHeldByPerson"));

        // More passes, and the time at which the ladder would have drained node-a: nothing more is done or said.
        setCondition("node-a", kernelDeadlock("True", T0, clock.instant().plusSeconds(1)));
        scheduler.advance(Duration.ofMinutes(6));
        awaitWritten("node-b escalated to drain", () -> ledger("node-b").flatMap(Ledger::current).map(a -> a.step() == 1).orElse(false));
        // The pass is over once its status is written; closing the mock's watches while it writes can stall the mock.
        awaitStatus("node-b drained in the status", s -> entry(s, "node-b").map(e -> e.message().contains("has no pods to evict")).orElse(false));
        assertThat(node("node-a").getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(node("node-a").getSpec().getUnschedulable()).isTrue();
        assertThat(eventReasons("node-a")).containsExactly("RemedyHeldByPerson");
        assertThat(client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals("node-a"))).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    @Test
    void dryRunSaysWhatItWouldDoAndWritesNothingToTheNode() {
        clock.set(T0.plus(Duration.ofMinutes(30)));
        Node seeded = seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        seedNode("node-b", kernelDeadlock("True", T0.plusSeconds(1), clock.instant()), Map.of());
        policy(true, 3, cordon("10m"));
        start(ControllerSettings.DEFAULT);

        awaitStatus("dry-run status", s -> entry(s, "node-b").isPresent() && entry(s, "node-a").isPresent());
        NodeRemedyPolicyStatus status = status();
        assertThat(status.phase()).isEqualTo("DryRun");
        assertThat(entry(status, "node-a").orElseThrow().message()).contains("would cordon");
        NodeEntry held = entry(status, "node-b").orElseThrow();
        assertThat(held.blockedBy()).isEqualTo("MaxInFlight");
        assertThat(held.next()).isEqualTo("cordon");
        assertThat(actions("cordon", "would_apply")).isEqualTo(1.0);

        // Another pass (a node changes) does not report the same "would" again.
        setCondition("node-b", kernelDeadlock("True", T0.plusSeconds(1), clock.instant().plusSeconds(1)));
        Eventually.until("second pass", WAIT, () -> registry.find("nodemedic_remedy_blocked_total").counter() != null);
        assertThat(node("node-a").getMetadata().getResourceVersion()).isEqualTo(seeded.getMetadata().getResourceVersion());
        assertThat(node("node-a").getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(node("node-a").getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
        assertThat(actions("cordon", "would_apply")).isEqualTo(1.0);
    }

    @Test
    void theLadderEscalatesWhenTheStepTimesOut() {
        clock.set(T0.plus(Duration.ofMinutes(5)));
        seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        policy(false, 3, taint("5m"), cordon("10m"));
        ManualScheduler scheduler = start(ControllerSettings.DEFAULT);

        awaitWritten("tainted", () -> node("node-a").getSpec().getTaints() != null && !node("node-a").getSpec().getTaints().isEmpty());
        awaitWritten("ledger written", () -> ledger("node-a").flatMap(Ledger::current).isPresent());
        // The one timer is set to the earliest due: the throttled status write, then the taint's timeout.
        scheduler.advance(PolicyStatusWriter.INTERVAL);
        Eventually.until("wake-up at the taint's timeout", WAIT, () -> scheduler.wakeUps().equals(List.of(T0.plus(Duration.ofMinutes(10)))));
        assertThat(node("node-a").getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        setCondition("node-a", kernelDeadlock("True", T0, T0.plus(Duration.ofMinutes(9))));

        scheduler.advance(Duration.ofMinutes(5).minus(PolicyStatusWriter.INTERVAL));

        awaitWritten("cordoned", () -> Boolean.TRUE.equals(node("node-a").getSpec().getUnschedulable()));
        awaitWritten("ledger at step 1", () -> ledger("node-a").flatMap(Ledger::current).map(a -> a.step() == 1).orElse(false));
        awaitWritten("escalation event", () -> eventReasons("node-a").contains("RemedyEscalated"));
        assertThat(ledger("node-a").orElseThrow().attemptStarts()).hasSize(1);
    }

    @Test
    void aNewLeaderContinuesTheLadderFromTheNodesLedger() {
        clock.set(T0.plus(Duration.ofMinutes(20)));
        Instant tainted = T0.plus(Duration.ofMinutes(16));
        Ledger earlier = new Ledger("kernel", List.of(tainted), Optional.of(new Ledger.Attempt(tainted, 0, tainted)), false);
        seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        seedLedger("node-a", LedgerCodec.encode(earlier));
        policy(false, 3, taint("5m"), cordon("10m"));
        ManualScheduler scheduler = start(ControllerSettings.DEFAULT);

        awaitStatus("node-a in flight from the ledger", s -> entry(s, "node-a").map(e -> e.state().equals("InFlight")).orElse(false));
        assertThat(entry(status(), "node-a").orElseThrow().due()).isEqualTo(tainted.plus(Duration.ofMinutes(5)).toString());
        assertThat(node("node-a").getSpec().getTaints()).isNullOrEmpty();

        scheduler.advance(Duration.ofMinutes(1));

        awaitWritten("cordoned, not tainted again", () -> Boolean.TRUE.equals(node("node-a").getSpec().getUnschedulable()));
        assertThat(node("node-a").getSpec().getTaints()).isNullOrEmpty();
        awaitWritten("ledger at step 1", () -> ledger("node-a").flatMap(Ledger::current).map(a -> a.step() == 1).orElse(false));
        assertThat(ledger("node-a").orElseThrow().attemptStarts()).containsExactly(tainted);
    }

    @Test
    void theGlobalPauseHoldsEveryNode() {
        clock.set(T0.plus(Duration.ofMinutes(30)));
        Node seeded = seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        policy(false, 3, cordon("10m"));
        start(new ControllerSettings(true, OptionalInt.empty()));

        awaitStatus("paused", s -> "Paused".equals(s.phase()) && entry(s, "node-a").isPresent());
        assertThat(entry(status(), "node-a").orElseThrow().blockedBy()).isEqualTo("GloballyPaused");
        assertThat(node("node-a").getMetadata().getResourceVersion()).isEqualTo(seeded.getMetadata().getResourceVersion());
        assertThat(actions("cordon", "applied")).isZero();
    }

    @Test
    void afterMaxAttemptsTheNodeGetsNeedsHumanAndIsLeftAlone() {
        clock.set(T0.plus(Duration.ofHours(3)));
        Ledger twice = new Ledger("kernel", List.of(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2))), Optional.empty(), false);
        seedNode("node-a", kernelDeadlock("True", T0.plus(Duration.ofMinutes(170)), clock.instant()), Map.of());
        seedLedger("node-a", LedgerCodec.encode(twice));
        // The CRUD mock answers a strategic merge patch with 415: the condition write gets an expectation.
        server.expect().patch().withPath("/api/v1/nodes/node-a/status").andReturn(200, node("node-a")).always();
        policy(false, 2, cordon("10m"));
        start(ControllerSettings.DEFAULT);

        awaitWritten("ledger says needs human", () -> ledger("node-a").map(Ledger::needsHuman).orElse(false));
        List<RecordedRequest> conditionPatches = new ArrayList<>();
        awaitWritten("condition patch sent", () -> {
            RecordedRequest request;
            while ((request = takeRequest()) != null) {
                if (request.getPath().equals("/api/v1/nodes/node-a/status")) {
                    conditionPatches.add(request);
                }
            }
            return !conditionPatches.isEmpty();
        });
        assertThat(conditionPatches.getFirst().getHeader("Content-Type")).startsWith("application/strategic-merge-patch+json");
        assertThat(conditionPatches.getFirst().getBody().readUtf8()).contains("NodeRemedyNeedsHuman").contains("MaxAttemptsReached");
        awaitStatus("needs human listed", s -> s.needsHumanNodes() == 1 && entry(s, "node-a").map(e -> e.state().equals("NeedsHuman")).orElse(false));
        assertThat(node("node-a").getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        assertThat(actions("needs_human", "applied")).isEqualTo(1.0);
    }

    /** Issue 20: the controller's own ledger, not a copy a node could write, carries a ladder from one leader to the next. */
    @Test
    void theControllersOwnLedgerCarriesTheLadderAcrossARestart() throws Exception {
        clock.set(T0.plus(Duration.ofMinutes(5)));
        seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        policy(false, 3, taint("5m"), cordon("10m"));
        controllerScheduler = new ManualScheduler(clock);
        RemedyController first = new RemedyController(client, controllerScheduler, clock, metrics, actionsByMode(client), ControllerSettings.DEFAULT);
        toClose.add(first);
        first.start();
        awaitWritten("tainted and recorded", () -> ledger("node-a").flatMap(Ledger::current).isPresent());
        Instant tainted = clock.instant();
        awaitStatus("node-a in flight", s -> entry(s, "node-a").map(e -> e.state().equals("InFlight")).orElse(false));
        first.close();

        clock.set(T0.plus(Duration.ofMinutes(7)));
        ManualScheduler scheduler = start(ControllerSettings.DEFAULT);

        Eventually.until("the new leader waits for the taint's timeout", WAIT,
                () -> scheduler.wakeUps().contains(tainted.plus(Duration.ofMinutes(5))));
        assertThat(node("node-a").getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        setCondition("node-a", kernelDeadlock("True", T0, clock.instant()));
        scheduler.advance(Duration.ofMinutes(3));
        awaitWritten("cordoned at step 1", () -> ledger("node-a").flatMap(Ledger::current).map(a -> a.step() == 1).orElse(false));
        assertThat(node("node-a").getSpec().getUnschedulable()).isTrue();
        assertThat(ledger("node-a").orElseThrow().attemptStarts()).containsExactly(tainted);
        assertThat(untrusted("future_time") + untrusted("unreadable") + untrusted("node_annotation")).isZero();
    }

    /** Issue 20: a ledger on the Node, which the node's own agent can write, held a maxInFlight slot for ever with needsHuman. */
    @Test
    void aLedgerOnTheNodeHoldsNoSlot() {
        clock.set(T0.plus(Duration.ofMinutes(30)));
        seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        seedNode("node-b", kernelDeadlock("False", T0, clock.instant()), Map.of(LedgerCodec.NODE_ANNOTATION,
                "{\"policy\":\"kernel\",\"attempts\":[\"2026-01-01T00:10:00Z\"],\"needsHuman\":true}", "remedy.nodemedic.dev/policy", "kernel"));
        policy(false, 3, cordon("10m"));
        start(ControllerSettings.DEFAULT);

        // maxInFlight is 1: node-a is acted on at once because node-b does not hold the slot.
        awaitWritten("node-a cordoned", () -> Boolean.TRUE.equals(node("node-a").getSpec().getUnschedulable()));
        awaitStatus("one in flight, no one needing a person", s -> s.inFlightNodes() == 1 && s.needsHumanNodes() == 0
                && entry(s, "node-a").map(e -> e.state().equals("InFlight")).orElse(false));
        assertThat(untrusted("node_annotation")).isEqualTo(1.0);
    }

    /**
     * Review: a NodeRemedyLedger the controller could not read was taken as none, so its node looked untouched: it
     * could be cordoned again past its budgets, or never undone. It is held, and counted in flight, until it reads again.
     */
    @Test
    void aNodeWhoseLedgerCannotBeReadIsHeldUntilTheLedgerReadsAgain() {
        clock.set(T0.plus(Duration.ofMinutes(30)));
        Node seeded = seedNode("node-c", kernelDeadlock("True", T0, clock.instant()), Map.of());
        seedNode("node-a", kernelDeadlock("True", T0.plus(Duration.ofMinutes(1)), clock.instant()), Map.of());
        seedLedger("node-c", new NodeRemedyLedgerSpec("kernel", List.of("yesterday"), null, false));
        policy(false, 3, cordon("10m"));
        start(ControllerSettings.DEFAULT);

        awaitStatus("node-c held for its ledger, node-a by maxInFlight", s -> entry(s, "node-c").map(e -> e.state().equals("LedgerUnreadable")).orElse(false)
                && entry(s, "node-a").map(e -> "MaxInFlight".equals(e.blockedBy())).orElse(false));
        assertThat(entry(status(), "node-c").orElseThrow().message())
                .contains("noderemedyledger/node-c", "spec.attempts[0] \"yesterday\" is not an RFC 3339 time", "delete the ledger");
        assertThat(status().inFlightNodes()).isEqualTo(1);
        assertThat(node("node-c").getMetadata().getResourceVersion()).as("nothing written to the node").isEqualTo(seeded.getMetadata().getResourceVersion());
        assertThat(node("node-a").getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
        assertThat(actions("cordon", "applied")).isZero();
        assertThat(untrusted("unreadable")).isEqualTo(1.0);

        Instant earlier = T0.plus(Duration.ofMinutes(10));
        client.resources(NodeRemedyLedger.class).withName("node-c").edit(l -> {
            l.setSpec(new NodeRemedyLedgerSpec("kernel", List.of(earlier.toString()), null, false));
            return l;
        });

        // node-c's condition is the older: once its ledger reads, it is the one admitted, on its second attempt.
        awaitWritten("node-c cordoned", () -> Boolean.TRUE.equals(node("node-c").getSpec().getUnschedulable()));
        awaitWritten("node-c's ledger carries the new attempt", () -> ledger("node-c").flatMap(Ledger::current).isPresent());
        assertThat(ledger("node-c").orElseThrow().attemptStarts()).containsExactly(earlier, clock.instant());
        assertThat(node("node-a").getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    }

    /** Issue 20: a ledger naming an attempt in the future held minInterval until then; its times are taken as now. */
    @Test
    void anAttemptTimeInTheFutureHoldsMinIntervalOnlyFromNow() {
        clock.set(T0.plus(Duration.ofMinutes(30)));
        Instant nextYear = clock.instant().plus(Duration.ofDays(365));
        seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        seedNode("node-b", kernelDeadlock("False", T0, clock.instant()), Map.of());
        seedLedger("node-b", new NodeRemedyLedgerSpec("kernel", List.of(nextYear.toString()), null, false));
        policy(false, 3, cordon("10m"));
        ManualScheduler scheduler = start(ControllerSettings.DEFAULT);

        Instant minIntervalOver = clock.instant().plus(Duration.ofMinutes(5));
        awaitStatus("node-a held by minInterval until five minutes from now", s -> entry(s, "node-a")
                .map(e -> "MinInterval".equals(e.blockedBy()) && minIntervalOver.toString().equals(e.due())).orElse(false));
        assertThat(untrusted("future_time")).isEqualTo(1.0);

        scheduler.advance(Duration.ofMinutes(5));

        awaitWritten("node-a cordoned", () -> Boolean.TRUE.equals(node("node-a").getSpec().getUnschedulable()));
    }

    /**
     * An Event the API server is slow to take (an Event store under load; the runtime's client waits for it up to its
     * 10 s request timeout) must not hold the pass that recorded it. The cordon's Event is recorded before the cordon's
     * ledger is written: a pass held there leaves a cordon that nothing says the controller made, for good if the term
     * ends meanwhile (its pass is interrupted after 3 s), and every other node's decision waits behind it.
     */
    @Test
    void anEventTheApiServerHoldsDoesNotHoldThePassThatRecordedIt() {
        server.expect().post().delay(2, TimeUnit.MINUTES).withPath("/api/v1/namespaces/default/events")
                .andReturn(201, "{\"apiVersion\":\"v1\",\"kind\":\"Event\"}").always();
        // Waits for the Event's answer longer than the test waits for the ledger.
        KubernetesClient eventClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withRequestTimeout(Math.toIntExact(Duration.ofMinutes(3).toMillis())).withRequestRetryBackoffLimit(0).build()).build();
        clock.set(T0.plus(Duration.ofMinutes(30)));
        seedNode("node-a", kernelDeadlock("True", T0, clock.instant()), Map.of());
        policy(false, 3, cordon("10m"));
        start(ControllerSettings.DEFAULT, eventClient);
        // Closed first: that ends the held write, so the Events' thread can stop.
        toClose.add(eventClient);

        awaitWritten("node-a cordoned", () -> Boolean.TRUE.equals(node("node-a").getSpec().getUnschedulable()));
        List<String> calls = new ArrayList<>();
        Eventually.until("the cordon's Event sent", WAIT, () -> {
            RecordedRequest request;
            while ((request = takeRequest()) != null) {
                calls.add(request.getMethod() + " " + request.getPath());
            }
            return calls.contains("POST /api/v1/namespaces/default/events");
        });

        awaitWritten("node-a's ledger written while its Event is held", () -> ledger("node-a").flatMap(Ledger::current).isPresent());
        awaitStatus("node-a in flight", s -> entry(s, "node-a").map(e -> e.state().equals("InFlight")).orElse(false));
    }

    private RecordedRequest takeRequest() {
        try {
            return server.takeRequest(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
