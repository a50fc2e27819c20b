package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.action.ApiCalls;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ledger written to a Node in the CRUD mock: one PATCH, nothing read first, nothing else on the node touched. */
@EnableKubernetesMockClient(crud = true)
class NodeLedgerStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Ledger LEDGER = new Ledger("kernel", List.of(T0), Optional.of(new Ledger.Attempt(T0, 0, T0)), false);

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void theLedgerIsOnePatchWithNoReadBeforeItAndLeavesOtherAnnotationsAlone() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").withAnnotations(Map.of("team", "storage")).endMetadata()
                .withNewSpec().withUnschedulable(true).endSpec().build()).create();
        ApiCalls.take(server);

        Optional<String> failure = new NodeLedgerStore(client).write("node-a", LEDGER);

        assertThat(failure).isEmpty();
        List<RecordedRequest> requests = ApiCalls.take(server);
        assertThat(requests).extracting(r -> r.getMethod() + " " + r.getPath()).containsExactly("PATCH /api/v1/nodes/node-a");
        assertThat(requests.getFirst().getHeader("Content-Type")).startsWith("application/merge-patch+json");
        assertThat(requests.getFirst().getBody().readUtf8()).doesNotContain("resourceVersion").doesNotContain("spec");
        Node written = client.nodes().withName("node-a").get();
        assertThat(LedgerCodec.decode(written.getMetadata().getAnnotations().get(LedgerCodec.ANNOTATION))).isEqualTo(LEDGER);
        assertThat(written.getMetadata().getAnnotations()).containsEntry("team", "storage");
        assertThat(written.getSpec().getUnschedulable()).isTrue();
    }

    @Test
    void aLedgerForANodeThatIsGoneIsAFailureThatNamesTheNode() {
        Optional<String> failure = new NodeLedgerStore(client).write("node-gone", LEDGER);

        assertThat(failure).contains("node node-gone does not exist");
    }
}
