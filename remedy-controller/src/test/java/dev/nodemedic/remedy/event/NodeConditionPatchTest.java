package dev.nodemedic.remedy.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.ApiCalls;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.scheduling.ManualScheduler;
import dev.nodemedic.remedy.controller.RemedyMetrics;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CRUD mock answers a strategic merge patch with 415, so node status goes through an expectation
 * on its path, and the test reads what was sent: content type and a body holding only our entry.
 */
@EnableKubernetesMockClient(crud = true)
class NodeConditionPatchTest {
    KubernetesClient client;
    KubernetesMockServer server;
    private final ManualClock clock = new ManualClock();
    /** The Events' thread and timer, which these tests never move: the recorder would write an Event that failed again on it. */
    private final ManualScheduler scheduler = new ManualScheduler(clock);


    @AfterEach
    void closeScheduler() {
        scheduler.close();
    }

    private RecordedRequest statusPatch() throws InterruptedException {
        List<RecordedRequest> requests = ApiCalls.take(server);
        return requests.stream().filter(r -> r.getPath().equals("/api/v1/nodes/node-a/status")).findFirst().orElseThrow();
    }

    @Test
    void raiseSendsAStrategicMergePatchOfOnlyOurCondition() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).create();
        server.expect().patch().withPath("/api/v1/nodes/node-a/status")
                .andReturn(200, client.nodes().withName("node-a").get()).once();
        ApiCalls.take(server);

        ActionResult result = new NodeConditionPatch(client, new RemedyEventRecorder(client, scheduler, clock, Mode.APPLY, "r", new RemedyMetrics(new SimpleMeterRegistry())), clock, Mode.APPLY)
                .raise("node-a", "deadlock", "MaxAttemptsReached", "3 attempts in 24h did not help");

        assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        RecordedRequest patch = statusPatch();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getHeader("Content-Type")).startsWith("application/strategic-merge-patch+json");
        assertThat((Object) client.getKubernetesSerialization().unmarshal(patch.getUtf8Body(), Map.class)).isEqualTo(Map.of("status", Map.of("conditions", List.of(Map.of(
                "type", "NodeRemedyNeedsHuman",
                "status", "True",
                "reason", "MaxAttemptsReached",
                "message", "3 attempts in 24h did not help (policy deadlock)",
                "lastTransitionTime", "2026-01-01T00:00:00Z",
                "lastHeartbeatTime", "2026-01-01T00:00:00Z")))));
        scheduler.awaitQueued();
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .singleElement().satisfies(e -> assertThat(e.getReason()).isEqualTo("RemedyNeedsHuman"));
    }

    @Test
    void clearDeletesOnlyOurEntryByItsMergeKey() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).create();
        server.expect().patch().withPath("/api/v1/nodes/node-a/status")
                .andReturn(200, new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).once();

        ActionResult result = new NodeConditionPatch(client, new RemedyEventRecorder(client, scheduler, clock, Mode.APPLY, "r", new RemedyMetrics(new SimpleMeterRegistry())), clock, Mode.APPLY).clear("node-a");

        assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.APPLIED);
        assertThat(statusPatch().getUtf8Body())
                .isEqualTo("{\"status\":{\"conditions\":[{\"type\":\"NodeRemedyNeedsHuman\",\"$patch\":\"delete\"}]}}");
    }

    @Test
    void aMissingNodeIsRefused() {
        ActionResult result = new NodeConditionPatch(client, new RemedyEventRecorder(client, scheduler, clock, Mode.APPLY, "r", new RemedyMetrics(new SimpleMeterRegistry())), clock, Mode.APPLY)
                .raise("gone", "p", "MaxAttemptsReached", "m");

        // Without an expectation the CRUD mock answers the patch itself: 404 for a node it does not hold.
        assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.REFUSED);
    }

    @Test
    void dryRunWritesNothing() throws Exception {
        ActionResult result = new NodeConditionPatch(client, new RemedyEventRecorder(client, scheduler, clock, Mode.DRY_RUN, "r", new RemedyMetrics(new SimpleMeterRegistry())), clock, Mode.DRY_RUN)
                .raise("node-a", "p", "MaxAttemptsReached", "m");

        assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.WOULD_APPLY);
        scheduler.awaitQueued();
        assertThat(ApiCalls.take(server)).isEmpty();
    }
}
