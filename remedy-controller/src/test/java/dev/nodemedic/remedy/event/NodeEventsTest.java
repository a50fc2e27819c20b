package dev.nodemedic.remedy.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.ApiCalls;
import dev.nodemedic.remedy.action.Mode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NodeEventsTest {
    KubernetesClient client;
    KubernetesMockServer server;
    private final ManualClock clock = new ManualClock();

    private List<Event> events() {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .sorted(Comparator.comparing(Event::getFirstTimestamp)).toList();
    }

    @Test
    void anEventNamesTheNodeAndTheController() {
        new NodeEvents(client, clock, Mode.APPLY, "nodemedic-remedy-7d9f").record("node-a", RemedyReason.RemedyCordoned, "policy p cordoned node node-a");

        Event event = events().getFirst();
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Node");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("node-a");
        assertThat(event.getInvolvedObject().getUid()).isEqualTo("node-a");
        assertThat(event.getReason()).isEqualTo("RemedyCordoned");
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getMessage()).isEqualTo("policy p cordoned node node-a");
        assertThat(event.getSource().getComponent()).isEqualTo("nodemedic-remedy");
        assertThat(event.getReportingComponent()).isEqualTo("nodemedic-remedy");
        assertThat(event.getReportingInstance()).isEqualTo("nodemedic-remedy-7d9f");
        assertThat(event.getCount()).isEqualTo(1);
        assertThat(event.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void aRepeatWithinTenMinutesCountsUpOnTheSameEvent() {
        NodeEvents events = new NodeEvents(client, clock, Mode.APPLY, "r");

        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        clock.advance(Duration.ofMinutes(4));
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        clock.advance(Duration.ofMinutes(4));
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(3);
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-01-01T00:08:00Z");
            assertThat(e.getType()).isEqualTo("Warning");
        });
    }

    @Test
    void aRepeatAfterTheWindowOrOnAnotherNodeOrWithAnotherMessageIsANewEvent() {
        NodeEvents events = new NodeEvents(client, clock, Mode.APPLY, "r");

        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        events.record("node-b", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxInFlight 1 reached");
        clock.advance(Duration.ofMinutes(11));
        events.record("node-a", RemedyReason.RemedyBlockedByBudget, "maxUnhealthy 2 reached");

        assertThat(events()).hasSize(4).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    @Test
    void anEventTheApiServerExpiredIsCreatedAgain() {
        NodeEvents events = new NodeEvents(client, clock, Mode.APPLY, "r");
        events.record("node-a", RemedyReason.RemedyDrainBlocked, "PodDisruptionBudget shop/web allows 0 disruptions");
        client.v1().events().inNamespace("default").delete();

        clock.advance(Duration.ofMinutes(1));
        events.record("node-a", RemedyReason.RemedyDrainBlocked, "PodDisruptionBudget shop/web allows 0 disruptions");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-01-01T00:01:00Z");
        });
    }

    @Test
    void dryRunWritesNoEvent() throws Exception {
        NodeEvents events = new NodeEvents(client, clock, Mode.DRY_RUN, "r");

        events.record("node-a", RemedyReason.RemedyCordoned, "would cordon");

        assertThat(server.getRequestCount()).isZero();
        assertThat(ApiCalls.take(server)).isEmpty();
    }
}
