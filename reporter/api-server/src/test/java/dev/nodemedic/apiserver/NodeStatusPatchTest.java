package dev.nodemedic.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConditionStatus;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The body both processes send, and how it is sent. The CRUD mock answers a strategic merge patch with
 * 415, so the sending test sets an expectation on the status path and reads what was recorded.
 */
@EnableKubernetesMockClient(crud = true)
class NodeStatusPatchTest {
    KubernetesClient client;
    KubernetesMockServer server;

    private static NodeStatusPatch.Entry entry(String type, ConditionStatus status, Instant heartbeat) {
        return new NodeStatusPatch.Entry(type, status, "DockerHung", "task \"docker\":7 blocked (nodemedic)", Instant.parse("2026-01-01T00:00:01.900Z"),
                heartbeat);
    }

    @Test
    void theBodyHoldsOnlyOurEntriesAndDeleteDirectivesForStaleOnes() {
        var patch = new NodeStatusPatch(List.of(entry("KernelDeadlock", ConditionStatus.TRUE, Instant.parse("2026-01-01T00:05:00Z"))),
                new TreeSet<>(Set.of("OldType")));

        assertThat(patch.json()).isEqualTo("""
                {"status":{"conditions":[\
                {"type":"KernelDeadlock","status":"True","lastHeartbeatTime":"2026-01-01T00:05:00Z",\
                "lastTransitionTime":"2026-01-01T00:00:01Z","reason":"DockerHung","message":"task \\"docker\\":7 blocked (nodemedic)"},\
                {"type":"OldType","$patch":"delete"}]}}""");
    }

    @Test
    void aDeletingPatchCarriesOnlyTheDirective() {
        assertThat(NodeStatusPatch.deleting("NodeRemedyNeedsHuman").json())
                .isEqualTo("{\"status\":{\"conditions\":[{\"type\":\"NodeRemedyNeedsHuman\",\"$patch\":\"delete\"}]}}");
    }

    @Test
    void aTypeCannotBeWrittenAndDeletedAtOnce() {
        assertThatThrownBy(() -> new NodeStatusPatch(List.of(entry("KernelDeadlock", ConditionStatus.FALSE, Instant.EPOCH)),
                new TreeSet<>(Set.of("KernelDeadlock"))))
                .hasMessage("condition type KernelDeadlock is both written and deleted in one patch");
    }

    @Test
    void anEntryNeedsATypeToMergeBy() {
        assertThatThrownBy(() -> entry(" ", ConditionStatus.TRUE, Instant.EPOCH))
                .hasMessage("a condition entry needs a type: it is the key the API server merges the list by");
    }

    @Test
    void aTypeCannotBeWrittenTwice() {
        assertThatThrownBy(() -> new NodeStatusPatch(List.of(entry("KernelDeadlock", ConditionStatus.TRUE, Instant.EPOCH),
                entry("KernelDeadlock", ConditionStatus.FALSE, Instant.EPOCH)), new TreeSet<>()))
                .hasMessage("condition type KernelDeadlock is written twice in one patch");
    }

    @Test
    void thePatchIsAStrategicMergeOfTheStatusSubresourceWithNoReadBefore() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).create();
        server.expect().patch().withPath("/api/v1/nodes/node-a/status")
                .andReturn(200, new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).once();
        takeRequests();
        var patch = new NodeStatusPatch(List.of(entry("KernelDeadlock", ConditionStatus.TRUE, Instant.parse("2026-01-01T00:05:00Z"))), new TreeSet<>());

        patch.applyTo(client, "node-a");

        List<RecordedRequest> sent = takeRequests();
        assertThat(sent).as("one PATCH, no GET of the node before it").singleElement().satisfies(request -> {
            assertThat(request.getMethod()).isEqualTo("PATCH");
            assertThat(request.getPath()).isEqualTo("/api/v1/nodes/node-a/status");
            assertThat(request.getHeader("Content-Type")).startsWith("application/strategic-merge-patch+json");
            assertThat(request.getUtf8Body()).isEqualTo(patch.json());
        });
    }

    @Test
    void aFailedPatchThrowsWhatTheServerSaid() {
        // Without an expectation the CRUD mock answers the patch itself: 404 for a node it does not hold.
        assertThatThrownBy(() -> NodeStatusPatch.deleting("KernelDeadlock").applyTo(client, "gone"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(ApiFailure.of(e).notFound()).isTrue());
    }

    /** What the mock recorded since the last look. */
    private List<RecordedRequest> takeRequests() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(0, TimeUnit.SECONDS)) != null) {
            requests.add(request);
        }
        return requests;
    }
}
