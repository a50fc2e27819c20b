package dev.nodemedic.remedy.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.scheduling.ManualScheduler;
import dev.nodemedic.remedy.controller.RemedyMetrics;
import dev.nodemedic.remedy.event.RemedyEventRecorder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pods, budgets and events live in the CRUD mock; the eviction subresource is not part of CRUD mode, so
 * each eviction is an expectation (201 accepted, 429 refused by a budget), and the test plays the API
 * server's part of deleting an evicted pod.
 */
@EnableKubernetesMockClient(crud = true)
class EvictionDrainerTest {
    private static final Duration INFORMER = Duration.ofSeconds(30);
    KubernetesClient client;
    KubernetesMockServer server;
    private final ManualClock clock = new ManualClock();
    /** The Events' thread and timer, which these tests never move: the recorder would write an Event that failed again on it. */
    private final ManualScheduler scheduler = new ManualScheduler(clock);

    private ClusterPods pods;
    private KubernetesClient noRetries;

    @BeforeEach
    void informers() {
        noRetries = MockClients.withoutRetries(client);
        pods = ClusterPods.start(client);
        Eventually.until("pod and budget informers synced", INFORMER, pods::synced);
    }

    @AfterEach
    void close() {
        pods.close();
        noRetries.close();
        scheduler.close();
    }

    private EvictionDrainer drainer(Mode mode) {
        return new EvictionDrainer(noRetries, pods, new RemedyEventRecorder(client, scheduler, clock, mode, "r", new RemedyMetrics(new SimpleMeterRegistry())), clock, mode, new SplittableRandom(7));
    }

    private static PodBuilder pod(String namespace, String name, String node) {
        return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase("Running").endStatus();
    }

    private void seed(PodBuilder... builders) {
        for (PodBuilder builder : builders) {
            client.pods().resource(builder.build()).create();
        }
        Eventually.until("informer sees " + builders.length + " more pods", INFORMER, () -> podsKnown() >= builders.length);
    }

    private int podsKnown() {
        return pods.onNode("node-a").size() + pods.onNode("node-b").size();
    }

    private void evictable(String namespace, String name) {
        server.expect().post().withPath("/api/v1/namespaces/" + namespace + "/pods/" + name + "/eviction")
                .andReturn(201, new StatusBuilder().withStatus("Success").withCode(201).build()).always();
    }

    private void refused(String namespace, String name, int times) {
        server.expect().post().withPath("/api/v1/namespaces/" + namespace + "/pods/" + name + "/eviction")
                .andReturn(429, new StatusBuilder().withStatus("Failure").withCode(429).withReason("TooManyRequests")
                        .withMessage("Cannot evict pod as it would violate the pod's disruption budget.").build())
                .times(times);
    }

    /** What the API server does after accepting an eviction: the pod goes (its grace period is not the point here). */
    private void gone(String namespace, String name) {
        client.pods().inNamespace(namespace).withName(name).delete();
        Eventually.until("informer forgets " + namespace + "/" + name, INFORMER,
                () -> pods.onNode("node-a").stream().noneMatch(p -> p.getMetadata().getName().equals(name)));
    }

    private List<RecordedRequest> evictions() throws InterruptedException {
        return ApiCalls.take(server).stream().filter(r -> r.getPath().endsWith("/eviction")).toList();
    }

    /** The Events written so far: the recorder writes on its scheduler's thread. */
    private List<Event> events() {
        scheduler.awaitQueued();
        return client.v1().events().inNamespace("default").list().getItems();
    }

    private List<String> reasons() {
        return events().stream().map(Event::getReason).toList();
    }

    @Test
    void evictsWhatMayMoveAndLeavesDaemonSetMirrorAndFinishedPodsAlone() throws Exception {
        seed(pod("shop", "web-1", "node-a").editMetadata().addNewOwnerReference().withKind("ReplicaSet").withName("web").withController(true)
                        .withApiVersion("apps/v1").withUid("u1").endOwnerReference().endMetadata(),
                pod("kube-system", "node-exporter-x", "node-a").editMetadata().addNewOwnerReference().withKind("DaemonSet")
                        .withName("node-exporter").withController(true).withApiVersion("apps/v1").withUid("u2").endOwnerReference().endMetadata(),
                pod("kube-system", "etcd-node-a", "node-a").editMetadata().withAnnotations(Map.of("kubernetes.io/config.mirror", "abc")).endMetadata(),
                pod("batch", "report-1", "node-a").editStatus().withPhase("Succeeded").endStatus(),
                pod("shop", "web-2", "node-b"));
        evictable("shop", "web-1");
        ApiCalls.take(server);

        DrainRound round = drainer(Mode.APPLY).round("node-a", "deadlock", new DrainOptions(Optional.of(Duration.ofSeconds(30))));

        assertThat(round.outcome()).isEqualTo(DrainRound.Outcome.IN_PROGRESS);
        assertThat(round.evicted()).containsExactly(new PodRef("shop", "web-1"));
        assertThat(round.remaining()).containsExactly(new PodRef("shop", "web-1"));
        assertThat(round.nextRoundAt()).contains(clock.instant().plus(EvictionDrainer.TERMINATING_CHECK));
        List<RecordedRequest> evictions = evictions();
        assertThat(evictions).singleElement().satisfies(r -> {
            assertThat(r.getPath()).isEqualTo("/api/v1/namespaces/shop/pods/web-1/eviction");
            assertThat(r.getUtf8Body()).contains("\"apiVersion\":\"policy/v1\"").contains("\"kind\":\"Eviction\"")
                    .contains("\"gracePeriodSeconds\":30");
        });
        assertThat(reasons()).containsExactly("RemedyDrainStarted");
    }

    @Test
    void aBudgetThatForbidsTheEvictionIsNamedAndRoundsBackOffWithJitter() throws Exception {
        client.policy().v1().podDisruptionBudget().resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withNamespace("shop").withName("db-pdb").endMetadata()
                .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "db")).endSelector().withNewMinAvailable(2).endSpec()
                .withNewStatus().withDisruptionsAllowed(0).withCurrentHealthy(2).withDesiredHealthy(2).withExpectedPods(2).endStatus()
                .build()).create();
        client.policy().v1().podDisruptionBudget().resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withNamespace("shop").withName("cache-pdb").endMetadata()
                .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "cache")).endSelector().withNewMaxUnavailable(1).endSpec()
                .build()).create();
        Eventually.until("budgets known", INFORMER, () -> pods.budgetsIn("shop").size() == 2);
        seed(pod("shop", "db-0", "node-a").editMetadata().withLabels(Map.of("app", "db")).endMetadata(),
                pod("shop", "web-1", "node-a").editMetadata().withLabels(Map.of("app", "web")).endMetadata());
        refused("shop", "db-0", 2);
        evictable("shop", "web-1");
        EvictionDrainer drainer = drainer(Mode.APPLY);
        Instant start = clock.instant();

        DrainRound first = drainer.round("node-a", "deadlock", DrainOptions.DEFAULT);

        assertThat(first.outcome()).isEqualTo(DrainRound.Outcome.BLOCKED);
        assertThat(first.evicted()).containsExactly(new PodRef("shop", "web-1"));
        assertThat(first.blocked()).singleElement().satisfies(b -> {
            assertThat(b.pod()).isEqualTo(new PodRef("shop", "db-0"));
            assertThat(b.budget()).contains("shop/db-pdb");
            assertThat(b.why()).isEqualTo("PodDisruptionBudget shop/db-pdb allows 0 disruptions now (2 healthy, 2 needed)");
        });
        assertThat(first.blockingBudget()).contains("shop/db-pdb");
        assertThat(first.nextRoundAt().orElseThrow()).isBetween(start.plusMillis(2500), start.plusSeconds(5));
        assertThat(first.remaining()).containsExactlyInAnyOrder(new PodRef("shop", "db-0"), new PodRef("shop", "web-1"));
        Event blocked = events().stream()
                .filter(e -> e.getReason().equals("RemedyDrainBlocked")).findFirst().orElseThrow();
        assertThat(blocked.getMessage()).contains("shop/db-0").contains("shop/db-pdb");
        gone("shop", "web-1");

        clock.set(first.nextRoundAt().orElseThrow());
        DrainRound second = drainer.round("node-a", "deadlock", DrainOptions.DEFAULT);

        assertThat(second.outcome()).isEqualTo(DrainRound.Outcome.BLOCKED);
        assertThat(second.nextRoundAt().orElseThrow()).isBetween(clock.instant().plusSeconds(5), clock.instant().plusSeconds(10));
        assertThat(events().stream()
                .filter(e -> e.getReason().equals("RemedyDrainBlocked")))
                .singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));

        // The budget's pods got healthy elsewhere: the API server now accepts the eviction.
        evictable("shop", "db-0");
        clock.set(second.nextRoundAt().orElseThrow());
        DrainRound third = drainer.round("node-a", "deadlock", DrainOptions.DEFAULT);
        assertThat(third.outcome()).isEqualTo(DrainRound.Outcome.IN_PROGRESS);
        assertThat(third.evicted()).containsExactly(new PodRef("shop", "db-0"));
        gone("shop", "db-0");

        DrainRound last = drainer.round("node-a", "deadlock", DrainOptions.DEFAULT);
        assertThat(last.outcome()).isEqualTo(DrainRound.Outcome.DRAINED);
        assertThat(last.nextRoundAt()).isEmpty();
        assertThat(reasons()).containsExactlyInAnyOrder("RemedyDrainStarted", "RemedyDrainBlocked", "RemedyDrained");
    }

    /** The drain of issue 18: the first round entirely refused by a budget, the next one evicting the last pod. */
    @Test
    void aDrainWhoseFirstRoundIsBlockedStillStartsWithAnEventAndTheLastEvictionLeavesNoneToEvict() throws Exception {
        client.policy().v1().podDisruptionBudget().resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withNamespace("shop").withName("db-pdb").endMetadata()
                .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "db")).endSelector().withNewMinAvailable(1).endSpec()
                .withNewStatus().withDisruptionsAllowed(0).withCurrentHealthy(1).withDesiredHealthy(1).withExpectedPods(1).endStatus()
                .build()).create();
        Eventually.until("budget known", INFORMER, () -> pods.budgetsIn("shop").size() == 1);
        seed(pod("shop", "db-0", "node-a").editMetadata().withLabels(Map.of("app", "db")).endMetadata());
        refused("shop", "db-0", 1);
        EvictionDrainer drainer = drainer(Mode.APPLY);

        DrainRound first = drainer.round("node-a", "deadlock", DrainOptions.DEFAULT);

        assertThat(first.outcome()).isEqualTo(DrainRound.Outcome.BLOCKED);
        assertThat(reasons()).containsExactlyInAnyOrder("RemedyDrainStarted", "RemedyDrainBlocked");
        assertThat(first.message()).startsWith("drain of node node-a: 0 evicted, 1 left to evict, 0 terminating; pod shop/db-0:");

        evictable("shop", "db-0");
        clock.set(first.nextRoundAt().orElseThrow());
        DrainRound second = drainer.round("node-a", "deadlock", DrainOptions.DEFAULT);

        assertThat(second.outcome()).isEqualTo(DrainRound.Outcome.IN_PROGRESS);
        assertThat(second.evicted()).containsExactly(new PodRef("shop", "db-0"));
        assertThat(second.message()).isEqualTo("drain of node node-a: 1 evicted, 0 left to evict, 1 terminating");
        gone("shop", "db-0");

        DrainRound last = drainer.round("node-a", "deadlock", DrainOptions.DEFAULT);

        assertThat(last.outcome()).isEqualTo(DrainRound.Outcome.DRAINED);
        assertThat(events()).extracting(Event::getReason, Event::getCount)
                .containsExactlyInAnyOrder(tuple("RemedyDrainStarted", 1), tuple("RemedyDrainBlocked", 1), tuple("RemedyDrained", 1));
    }

    @Test
    void aPodAlreadyTerminatingIsWaitedForNotEvictedAgain() throws Exception {
        seed(pod("shop", "web-1", "node-a").editMetadata().withFinalizers("example.com/hold").endMetadata());
        client.pods().inNamespace("shop").withName("web-1").delete();
        Eventually.until("informer sees the deletion timestamp", INFORMER,
                () -> pods.onNode("node-a").stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() != null));
        ApiCalls.take(server);

        DrainRound round = drainer(Mode.APPLY).round("node-a", "p", DrainOptions.DEFAULT);

        assertThat(round.outcome()).isEqualTo(DrainRound.Outcome.IN_PROGRESS);
        assertThat(round.remaining()).containsExactly(new PodRef("shop", "web-1"));
        assertThat(evictions()).isEmpty();
    }

    @Test
    void aNodeWithNothingToMoveIsDrainedAtOnce() {
        seed(pod("kube-system", "ds-1", "node-a").editMetadata().addNewOwnerReference().withKind("DaemonSet").withName("d").withController(true)
                .withApiVersion("apps/v1").withUid("u").endOwnerReference().endMetadata());

        DrainRound round = drainer(Mode.APPLY).round("node-a", "p", DrainOptions.DEFAULT);

        assertThat(round.outcome()).isEqualTo(DrainRound.Outcome.DRAINED);
        assertThat(round.message()).isEqualTo("node node-a has no pods to evict");
        assertThat(reasons()).containsExactlyInAnyOrder("RemedyDrainStarted", "RemedyDrained");
    }

    @Test
    void dryRunSaysWhatItWouldEvictAndWhichBudgetWouldHoldAPodBackAndWritesNothing() throws Exception {
        client.policy().v1().podDisruptionBudget().resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withNamespace("shop").withName("db-pdb").endMetadata()
                .withNewSpec().withNewSelector().addNewMatchExpression().withKey("app").withOperator("In").withValues("db").endMatchExpression()
                .endSelector().endSpec()
                .withNewStatus().withDisruptionsAllowed(0).withCurrentHealthy(1).withDesiredHealthy(1).endStatus()
                .build()).create();
        Eventually.until("budget known", INFORMER, () -> pods.budgetsIn("shop").size() == 1);
        seed(pod("shop", "db-0", "node-a").editMetadata().withLabels(Map.of("app", "db")).endMetadata(),
                pod("shop", "web-1", "node-a"));
        ApiCalls.take(server);

        DrainRound round = drainer(Mode.DRY_RUN).round("node-a", "p", DrainOptions.DEFAULT);

        assertThat(round.outcome()).isEqualTo(DrainRound.Outcome.WOULD_EVICT);
        assertThat(round.evicted()).containsExactly(new PodRef("shop", "web-1"));
        assertThat(round.blockingBudget()).contains("shop/db-pdb");
        assertThat(round.message()).startsWith("would evict shop/web-1 from node node-a (policy p, dry-run); held back: pod shop/db-0");
        scheduler.awaitQueued();
        assertThat(ApiCalls.writes(server)).isEmpty();
        assertThat(client.pods().inAnyNamespace().list().getItems()).extracting(Pod::getMetadata)
                .allSatisfy(m -> assertThat(m.getDeletionTimestamp()).isNull());
    }
}
