package dev.nodemedic.remedy.controller;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import dev.nodemedic.remedy.policy.NodeRemedyLedger;
import dev.nodemedic.remedy.policy.NodeRemedyLedgerSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a node's ledger to the NodeRemedyLedger named as the node: a JSON patch that replaces its
 * whole spec, or a create when there is none yet.
 *
 * <p>The patch carries no {@code resourceVersion} test: the leader is the only writer and writes right
 * after the action it records, and the patch replaces the spec whole, so a precondition would guard
 * nothing. A JSON patch rather than a merge patch: setting {@code /spec} whole says exactly that, where a
 * merge patch needs every absent field named as null. Its op is {@code add}, which replaces a spec that is
 * there and creates one that is not: the CRD does not require a spec, and {@code replace} of a missing
 * path fails (422) on a ledger someone created bare.
 */
public final class NodeRemedyLedgerStore implements LedgerStore {
    private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);
    private final KubernetesClient client;

    public NodeRemedyLedgerStore(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> write(String node, Ledger ledger) {
        NodeRemedyLedgerSpec spec = LedgerCodec.encode(ledger);
        NodeRemedyLedger named = named(node);
        try {
            client.resources(NodeRemedyLedger.class).resource(named).patch(JSON_PATCH, replaceSpec(spec));
            return Optional.empty();
        } catch (KubernetesClientException e) {
            ApiFailure error = ApiFailure.of(e);
            if (!error.notFound()) {
                return Optional.of(error.explain("patch noderemedyledger " + node, Caller.CONTROLLER));
            }
        }
        try {
            named.setSpec(spec);
            client.resources(NodeRemedyLedger.class).resource(named).create();
            return Optional.empty();
        } catch (KubernetesClientException e) {
            return Optional.of(ApiFailure.of(e).explain("create noderemedyledger " + node, Caller.CONTROLLER));
        }
    }

    @Override
    public Optional<String> forget(String node) {
        try {
            client.resources(NodeRemedyLedger.class).withName(node).delete();
            return Optional.empty();
        } catch (KubernetesClientException e) {
            ApiFailure error = ApiFailure.of(e);
            return error.notFound() ? Optional.empty() : Optional.of(error.explain("delete noderemedyledger " + node, Caller.CONTROLLER));
        }
    }

    private String replaceSpec(NodeRemedyLedgerSpec spec) {
        return client.getKubernetesSerialization().asJson(List.of(Map.of("op", "add", "path", "/spec", "value", spec)));
    }

    private static NodeRemedyLedger named(String node) {
        NodeRemedyLedger ledger = new NodeRemedyLedger();
        ledger.setMetadata(new ObjectMetaBuilder().withName(node)
                .addToLabels("app.kubernetes.io/name", "nodemedic").addToLabels("app.kubernetes.io/component", "remedy").build());
        return ledger;
    }
}
