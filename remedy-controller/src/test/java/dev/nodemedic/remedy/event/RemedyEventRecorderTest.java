package dev.nodemedic.remedy.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.logging.CapturedLog;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.ApiCalls;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.controller.RemedyMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RemedyEventRecorderTest {
    KubernetesClient client;
    KubernetesMockServer server;
    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RemedyEventRecorder recorder(Mode mode, String instance) {
        return new RemedyEventRecorder(client, clock, mode, instance, new RemedyMetrics(registry));
    }

    private List<Event> events() {
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

    @Test
    void aRepeatCountsUpOnTheSameEvent() {
        RemedyEventRecorder events = recorder(Mode.APPLY, "r");

        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        clock.advance(Duration.ofMinutes(4));
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
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

            assertThat(log.lines()).singleElement().asString().startsWith("WARNING RBAC forbids create events (403): the controller's ClusterRole lacks this verb");
            assertThat(events()).isEmpty();

            clock.advance(Duration.ofMinutes(1));
            events.record("node-b", RemedyReason.RemedyCordoned, "policy p cordoned node node-b");
            assertThat(events()).extracting(e -> e.getInvolvedObject().getName()).containsExactly("node-a", "node-b");
        }
    }

    @Test
    void anEventTheApiServerExpiredIsCreatedAgainWithItsCount() {
        RemedyEventRecorder events = recorder(Mode.APPLY, "r");
        events.record("node-a", RemedyReason.RemedyDrainBlocked, "PodDisruptionBudget shop/web allows 0 disruptions");
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
        }
        events.record("node-b", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");

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

        assertThat(server.getRequestCount()).isZero();
        assertThat(ApiCalls.take(server)).isEmpty();
    }
}
