package dev.nodemedic.remedy.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.logging.CapturedLog;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.ApiCalls;
import dev.nodemedic.remedy.action.Eventually;
import dev.nodemedic.remedy.action.MockClients;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.scheduling.ManualScheduler;
import dev.nodemedic.remedy.controller.RemedyMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RemedyEventRecorderTest {
    KubernetesClient client;
    KubernetesMockServer server;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ManualClock clock = new ManualClock();
    /** The Events' thread, with its timer on the manual clock: a failed Event's retry runs only when the test moves it. */
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void closeScheduler() {
        scheduler.close();
    }

    private RemedyEventRecorder recorder(Mode mode, String instance) {
        return new RemedyEventRecorder(client, scheduler, clock, mode, instance, new RemedyMetrics(registry));
    }

    /** The Events written so far: {@link RemedyEventRecorder#record} leaves the write to the scheduler's thread. */
    private List<Event> events() {
        scheduler.awaitQueued();
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .sorted(Comparator.comparing(Event::getFirstTimestamp).thenComparing(e -> e.getMetadata().getName())).toList();
    }

    private List<Event> eventsOn(String node) {
        return events().stream().filter(e -> e.getInvolvedObject().getName().equals(node)).toList();
    }

    @Test
    void anEventNamesTheNodeAndTheController() {
        recorder(Mode.APPLY, "nodemedic-remedy-7d9f").record("node-a", RemedyReason.RemedyCordoned, "policy p cordoned node node-a");

        Event event = events().getFirst();
        assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("v1");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Node");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("node-a");
        assertThat(event.getInvolvedObject().getUid()).isEqualTo("node-a");
        assertThat(event.getReason()).isEqualTo("RemedyCordoned");
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getMessage()).isEqualTo("policy p cordoned node node-a");
        assertThat(event.getSource().getComponent()).isEqualTo("nodemedic-remedy");
        assertThat(event.getSource().getHost()).isNull();
        assertThat(event.getReportingComponent()).isEqualTo("nodemedic-remedy");
        assertThat(event.getReportingInstance()).isEqualTo("nodemedic-remedy-7d9f");
        assertThat(event.getCount()).isEqualTo(1);
        assertThat(event.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
    }

    /** A pass records and goes on: the write, which the API server may hold up to the request timeout, is the scheduler thread's. */
    @Test
    void recordReturnsAtOnceAndTheEventIsWrittenOnTheSchedulersThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // The Events' thread is busy, as with a write the API server holds.
        scheduler.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ApiCalls.take(server);

        try {
            recorder(Mode.APPLY, "r").record("node-a", RemedyReason.RemedyCordoned, "policy p cordoned node node-a");

            assertThat(ApiCalls.writes(server)).as("nothing written on the caller's thread").isEmpty();
        } finally {
            release.countDown();
        }
        assertThat(eventsOn("node-a")).singleElement().satisfies(e -> assertThat(e.getReason()).isEqualTo("RemedyCordoned"));
    }

    @Test
    void aRepeatCountsUpOnTheSameEvent() {
        RemedyEventRecorder events = recorder(Mode.APPLY, "r");

        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        // Each written before the next, so the repeats patch the Event rather than fold into its create.
        scheduler.awaitQueued();
        clock.advance(Duration.ofMinutes(4));
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        scheduler.awaitQueued();
        // client-go counts an exact repeat for as long as it remembers the Event, not only within a window.
        clock.advance(Duration.ofMinutes(40));
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(3);
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T00:44:00Z");
            assertThat(e.getType()).isEqualTo("Warning");
        });
    }

    @Test
    void anotherNodeOrAnotherMessageIsANewEvent() {
        RemedyEventRecorder events = recorder(Mode.APPLY, "r");

        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        events.record("node-b", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxInFlight 1 reached");

        assertThat(events()).hasSize(3).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    @Test
    void aWriteTheApiServerForbidsIsLoggedWithTheControllersAdviceAndWrittenAfterItsBackoff() {
        server.expect().post().withPath("/api/v1/namespaces/default/events")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"events is forbidden\"}").once();
        try (CapturedLog log = new CapturedLog("dev.nodemedic.apiserver.events")) {
            RemedyEventRecorder events = recorder(Mode.APPLY, "r");
            events.record("node-a", RemedyReason.RemedyCordoned, "policy p cordoned node node-a");
            scheduler.awaitQueued();

            assertThat(log.lines()).singleElement().asString().startsWith("WARNING RBAC forbids create events (403): the controller's ClusterRole lacks this verb");
            assertThat(events()).isEmpty();
            // The agent's backoff: 100 ms after a first failure, less up to half of it for jitter.
            Instant failedAt = clock.instant();
            assertThat(scheduler.wakeUps()).singleElement().satisfies(at -> assertThat(at).isAfter(failedAt).isBeforeOrEqualTo(failedAt.plusMillis(100)));

            scheduler.advance(Duration.ofMillis(40));
            assertThat(events()).as("not before its backoff ends").isEmpty();
            scheduler.advance(Duration.ofMillis(60));

            Eventually.until("node-a's Event written after its backoff", WAIT, () -> !events().isEmpty());
            assertThat(events()).singleElement().satisfies(e -> {
                assertThat(e.getInvolvedObject().getName()).isEqualTo("node-a");
                assertThat(e.getFirstTimestamp()).as("when it was recorded, not when it was written").isEqualTo("2026-01-01T00:00:00Z");
            });
        }
    }

    @Test
    void anEventWhoseWriteFailedIsWrittenWhenItsBackoffEndsWithNoFurtherRecord() throws Exception {
        server.expect().post().withPath("/api/v1/namespaces/default/events")
                .andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"etcdserver: request timed out\"}").once();
        ApiCalls.take(server);
        try (CapturedLog log = new CapturedLog("dev.nodemedic.apiserver.events");
             KubernetesClient noRetries = MockClients.withoutRetries(client)) {
            // As the runtime's client: a 5xx retried inside the client would never reach the recorder.
            new RemedyEventRecorder(noRetries, scheduler, clock, Mode.APPLY, "r", new RemedyMetrics(registry))
                    .record("node-a", RemedyReason.RemedyDrainStarted, "policy p drains node node-a");
            assertThat(events()).isEmpty();
            assertThat(scheduler.wakeUps()).as("one timer, at the backoff's end").hasSize(1);

            // Nothing else is recorded: only the controller's timer can write it.
            scheduler.advance(Duration.between(clock.instant(), scheduler.wakeUps().getFirst()));

            Eventually.until("the Event written by the timer", WAIT, () -> eventsOn("node-a").size() == 1);
            assertThat(eventsOn("node-a").getFirst().getReason()).isEqualTo("RemedyDrainStarted");
            Eventually.until("the recovery logged", WAIT, () -> log.lines().size() == 2);
            assertThat(log.lines().getFirst()).startsWith("WARNING the API server failed (500); create events is retried with backoff up to every 1s");
            assertThat(log.lines().getLast()).startsWith("INFO events written again after the API server recovered node=node-a was=SERVER_ERROR");
        }
        assertThat(ApiCalls.writes(server)).containsExactly("POST /api/v1/namespaces/default/events", "POST /api/v1/namespaces/default/events");
        assertThat(scheduler.wakeUps()).as("nothing left waiting, so no timer").isEmpty();
    }

    @Test
    void anEventTheApiServerExpiredIsCreatedAgainWithItsCount() {
        RemedyEventRecorder events = recorder(Mode.APPLY, "r");
        events.record("node-a", RemedyReason.RemedyDrainBlocked, "PodDisruptionBudget shop/web allows 0 disruptions");
        scheduler.awaitQueued();
        client.v1().events().inNamespace("default").delete();

        clock.advance(Duration.ofMinutes(61));
        events.record("node-a", RemedyReason.RemedyDrainBlocked, "PodDisruptionBudget shop/web allows 0 disruptions");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(2);
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T01:01:00Z");
        });
    }

    @Test
    void tenDistinctMessagesOfOneReasonOnANodeBecomeOneCombinedEvent() {
        RemedyEventRecorder events = recorder(Mode.APPLY, "r");

        for (int pod = 1; pod <= 12; pod++) {
            events.record("node-a", RemedyReason.RemedyDrainBlocked, "PodDisruptionBudget shop/web-" + pod + " allows 0 disruptions");
            scheduler.awaitQueued();
            clock.advance(Duration.ofSeconds(10));
        }

        assertThat(eventsOn("node-a")).hasSize(10);
        assertThat(eventsOn("node-a").getLast()).satisfies(e -> {
            assertThat(e.getMessage()).isEqualTo("(combined from similar events): PodDisruptionBudget shop/web-12 allows 0 disruptions");
            assertThat(e.getCount()).isEqualTo(3);
            assertThat(e.getReason()).isEqualTo("RemedyDrainBlocked");
        });
        assertThat(registry.get("nodemedic_remedy_events_aggregated_total").counter().count()).isEqualTo(3);
    }

    @Test
    void aNodesRepeatedEventsCostTheApiServerNoMoreThanItsBudget() throws Exception {
        RemedyEventRecorder events = recorder(Mode.APPLY, "r");
        ApiCalls.take(server);

        for (int pass = 0; pass < 60; pass++) {
            events.record("node-a", RemedyReason.RemedyBlockedByBudget, pass % 2 == 0 ? "maxUnhealthy 2 reached" : "maxInFlight 1 reached");
            // Each written before the next: a repeat folded into one not written yet would cost no call of its own.
            scheduler.awaitQueued();
        }
        events.record("node-b", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        scheduler.awaitQueued();

        assertThat(ApiCalls.writes(server)).as("25 for node-a (client-go's burst), 1 for node-b").hasSize(26);
        assertThat(registry.get("nodemedic_remedy_events_dropped_total").tag("reason", "rate_limited").counter().count()).isEqualTo(35);
        assertThat(eventsOn("node-b")).singleElement();

        // One call back every five minutes; the repeat that gets through carries every count, dropped or not.
        clock.advance(Duration.ofMinutes(5));
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        assertThat(eventsOn("node-a")).hasSize(2).anySatisfy(e -> {
            assertThat(e.getMessage()).isEqualTo("maxUnhealthy 2 reached");
            assertThat(e.getCount()).isEqualTo(31);
        });
    }

    @Test
    void dryRunWritesNoEvent() throws Exception {
        RemedyEventRecorder events = recorder(Mode.DRY_RUN, "r");

        events.record("node-a", RemedyReason.RemedyCordoned, "would cordon");
        scheduler.awaitQueued();

        assertThat(server.getRequestCount()).isZero();
        assertThat(ApiCalls.take(server)).isEmpty();
    }
}
