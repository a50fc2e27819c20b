package dev.nodemedic.apiserver;

import dev.nodemedic.daemon.api.ConditionStatus;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A strategic merge patch of {@code nodes/{name}/status} that carries only our condition entries. The
 * API server merges {@code status.conditions} by {@code type}, so the body names only our entries and
 * kubelet's and other writers' stay as they are; a type of ours to remove goes as
 * {@code {"type": T, "$patch": "delete"}}. A full update or a JSON merge patch would replace the whole
 * list, kubelet's entries with it. Both the agent (its daemons' conditions) and the remedy controller
 * ({@code NodeRemedyNeedsHuman}) write their entries through this one class.
 *
 * @param conditions the entries to write, each sent whole
 * @param deletes    types of ours to remove from the node
 */
public record NodeStatusPatch(List<Entry> conditions, SortedSet<String> deletes) {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PatchContext STRATEGIC_MERGE = PatchContext.of(PatchType.STRATEGIC_MERGE);

    /** One NodeCondition as it goes on the node; times are sent as {@link ApiTime}. */
    public record Entry(String type, ConditionStatus status, String reason, String message, Instant lastTransitionTime,
                        Instant lastHeartbeatTime) {
        public Entry {
            if (Objects.requireNonNull(type, "type").isBlank()) {
                throw new IllegalArgumentException("a condition entry needs a type: it is the key the API server merges the list by");
            }
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
            Objects.requireNonNull(lastHeartbeatTime, "lastHeartbeatTime");
        }
    }

    public NodeStatusPatch {
        conditions = List.copyOf(conditions);
        deletes = new TreeSet<>(deletes);
        Set<String> types = new HashSet<>();
        for (Entry entry : conditions) {
            // The merge key must be unique: the API server refuses a list with one type twice.
            if (!types.add(entry.type())) {
                throw new IllegalArgumentException("condition type " + entry.type() + " is written twice in one patch");
            }
            if (deletes.contains(entry.type())) {
                throw new IllegalArgumentException("condition type " + entry.type() + " is both written and deleted in one patch");
            }
        }
    }

    /** A patch that only removes {@code type}'s entry. */
    public static NodeStatusPatch deleting(String type) {
        return new NodeStatusPatch(List.of(), new TreeSet<>(Set.of(type)));
    }

    /** The patch body; field order follows {@code kubectl get node -o yaml}. */
    public String json() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode entries = body.putObject("status").putArray("conditions");
        for (Entry condition : conditions) {
            ObjectNode entry = entries.addObject();
            entry.put("type", condition.type());
            entry.put("status", condition.status().apiValue());
            entry.put("lastHeartbeatTime", ApiTime.format(condition.lastHeartbeatTime()));
            entry.put("lastTransitionTime", ApiTime.format(condition.lastTransitionTime()));
            entry.put("reason", condition.reason());
            entry.put("message", condition.message());
        }
        for (String type : deletes) {
            entries.addObject().put("type", type).put("$patch", "delete");
        }
        return JSON.writeValueAsString(body);
    }

    /**
     * Sends the patch to {@code node}'s status.
     *
     * @throws io.fabric8.kubernetes.client.KubernetesClientException as the client reports a failed call
     */
    public void applyTo(KubernetesClient client, String node) {
        // Through resource(stub), not withName: with no item in hand fabric8 GETs the node before every patch.
        // patch(String) with the context named: patch(T) would send a JSON patch computed by list index.
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
                .subresource("status").patch(STRATEGIC_MERGE, json());
    }
}
