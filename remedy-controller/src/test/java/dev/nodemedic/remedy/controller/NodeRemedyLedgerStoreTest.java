package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.action.ApiCalls;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import dev.nodemedic.remedy.policy.NodeRemedyLedger;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ledger written to a NodeRemedyLedger named as the node, in the CRUD mock: created, then its spec replaced whole, then deleted with its node. */
@EnableKubernetesMockClient(crud = true)
class NodeRemedyLedgerStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Ledger LEDGER = new Ledger("kernel", List.of(T0), Optional.of(new Ledger.Attempt(T0, 0, T0)), false);
    private static final String PATH = "/apis/remedy.nodemedic.dev/v1alpha1/noderemedyledgers/node-a";

    KubernetesClient client;
    KubernetesMockServer server;

    private Optional<Ledger> stored(String node) {
        return Optional.ofNullable(client.resources(NodeRemedyLedger.class).withName(node).get()).map(l -> LedgerCodec.decode(l.getSpec()));
    }

    @Test
    void theFirstWriteCreatesTheLedgerNamedAsTheNode() {
        Optional<String> failure = new NodeRemedyLedgerStore(client).write("node-a", LEDGER);

        assertThat(failure).isEmpty();
        assertThat(stored("node-a")).contains(LEDGER);
        assertThat(client.resources(NodeRemedyLedger.class).withName("node-a").get().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "nodemedic").containsEntry("app.kubernetes.io/component", "remedy");
    }

    @Test
    void aLaterWriteIsOnePatchReplacingTheWholeSpecWithNoReadBeforeIt() throws Exception {
        NodeRemedyLedgerStore store = new NodeRemedyLedgerStore(client);
        store.write("node-a", LEDGER);
        ApiCalls.take(server);
        Ledger recovered = LEDGER.recovered(T0.plus(Duration.ofMinutes(20)), Duration.ofHours(24));

        Optional<String> failure = store.write("node-a", recovered);

        assertThat(failure).isEmpty();
        List<RecordedRequest> requests = ApiCalls.take(server);
        assertThat(requests).extracting(r -> r.getMethod() + " " + r.getPath()).containsExactly("PATCH " + PATH);
        assertThat(requests.getFirst().getHeader("Content-Type")).startsWith("application/json-patch+json");
        assertThat(stored("node-a")).contains(recovered);
    }

    @Test
    void forgettingANodeDeletesItsLedgerAndANodeWithoutOneIsNoFailure() {
        NodeRemedyLedgerStore store = new NodeRemedyLedgerStore(client);
        store.write("node-a", LEDGER);

        assertThat(store.forget("node-a")).isEmpty();
        assertThat(stored("node-a")).isEmpty();
        assertThat(store.forget("node-never")).isEmpty();
    }
}
