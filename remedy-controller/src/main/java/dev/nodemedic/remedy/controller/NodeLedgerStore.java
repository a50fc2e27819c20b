package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the ledger annotation with a JSON merge patch of {@code metadata.annotations} holding only
 * that key: the patch cannot touch the node's spec, status, or anyone else's annotations.
 */
public final class NodeLedgerStore implements LedgerStore {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    private final KubernetesClient client;

    public NodeLedgerStore(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> write(String node, Ledger ledger) {
        String patch = MAPPER.writeValueAsString(Map.of("metadata", Map.of("annotations", Map.of(LedgerCodec.ANNOTATION, LedgerCodec.encode(ledger)))));
        try {
            client.nodes().withName(node).patch(MERGE, patch);
            return Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of("patch of node " + node + " annotation " + LedgerCodec.ANNOTATION + " failed with HTTP " + e.getCode()
                    + " (" + e.getMessage() + ")");
        }
    }
}
