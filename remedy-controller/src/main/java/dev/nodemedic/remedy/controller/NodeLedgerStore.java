package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ApiError;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the ledger annotation with a JSON merge patch of {@code metadata.annotations} holding only
 * that key: the patch cannot touch the node's spec, status, or anyone else's annotations.
 *
 * <p>The patch carries no {@code resourceVersion}: the ledger is written by the leader alone and right
 * after the action it records, which changed the node, so a precondition taken from the informer's copy
 * would fail every time; and since the patch names nothing but our key, a writer racing us loses nothing.
 */
public final class NodeLedgerStore implements LedgerStore {
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private final KubernetesClient client;

    public NodeLedgerStore(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> write(String node, Ledger ledger) {
        String patch = client.getKubernetesSerialization().asJson(
                Map.of("metadata", Map.of("annotations", Map.of(LedgerCodec.ANNOTATION, LedgerCodec.encode(ledger)))));
        try {
            // With an item in hand fabric8 sends the patch at once; by name alone it would read the node first.
            Node named = new NodeBuilder().withNewMetadata().withName(node).endMetadata().build();
            client.nodes().resource(named).patch(MERGE, patch);
            return Optional.empty();
        } catch (KubernetesClientException e) {
            ApiError error = ApiError.of(e);
            return Optional.of(error.notFound() ? "node " + node + " does not exist"
                    : error.explain("patch node " + node + " annotation " + LedgerCodec.ANNOTATION));
        }
    }
}
