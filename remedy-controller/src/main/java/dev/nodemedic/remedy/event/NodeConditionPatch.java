package dev.nodemedic.remedy.event;

import dev.nodemedic.remedy.action.ActionKind;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.ApiError;
import dev.nodemedic.remedy.action.Mode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NeedsHumanCondition} as a strategic merge patch of {@code nodes/{name}/status} carrying only
 * our entry: the API server merges {@code conditions} by {@code type}, so kubelet's and the detectors'
 * entries stay as they are. A JSON merge patch would replace the whole list, kubelet's entries with it;
 * the reporter writes its conditions the same way (reporter/README.md).
 */
public final class NodeConditionPatch implements NeedsHumanCondition {
    private static final Logger log = LoggerFactory.getLogger(NodeConditionPatch.class);
    private static final PatchContext STRATEGIC = PatchContext.of(PatchType.STRATEGIC_MERGE);

    private final KubernetesClient client;
    private final RemedyEvents events;
    private final Clock clock;
    private final Mode mode;

    public NodeConditionPatch(KubernetesClient client, RemedyEvents events, Clock clock, Mode mode) {
        this.client = Objects.requireNonNull(client, "client");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public ActionResult raise(String node, String policy, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", TYPE);
        condition.put("status", "True");
        condition.put("reason", reason);
        condition.put("message", message + " (policy " + policy + ")");
        condition.put("lastTransitionTime", now);
        condition.put("lastHeartbeatTime", now);
        ActionResult result = send(node, condition, "node " + node + " needs a person: " + message + " (policy " + policy + ")");
        if (result.outcome() == ActionResult.Outcome.APPLIED) {
            events.record(node, RemedyReason.RemedyNeedsHuman, result.message());
        }
        return result;
    }

    @Override
    public ActionResult clear(String node) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", TYPE);
        condition.put("$patch", "delete");
        return send(node, condition, "condition " + TYPE + " removed from node " + node);
    }

    /** The patch body: {@code {"status":{"conditions":[<entry>]}}}, the entry keyed by {@code type}. */
    static Map<String, Object> body(Map<String, Object> condition) {
        return Map.of("status", Map.of("conditions", List.of(condition)));
    }

    private ActionResult send(String node, Map<String, Object> condition, String did) {
        if (mode == Mode.DRY_RUN) {
            log.info("dry-run, not written action=needs_human node={}: {}", node, did);
            return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.WOULD_APPLY, "would write: " + did + " (dry-run)");
        }
        try {
            // With an item in hand fabric8 sends the patch without reading the node first.
            Node stub = new NodeBuilder().withNewMetadata().withName(node).endMetadata().build();
            client.nodes().resource(stub).subresource("status").patch(STRATEGIC, client.getKubernetesSerialization().asJson(body(condition)));
        } catch (KubernetesClientException e) {
            ApiError error = ApiError.of(e);
            if (error.notFound()) {
                return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.REFUSED, "node " + node + " does not exist");
            }
            String why = error.explain("patch nodes/" + node + "/status");
            log.warn("condition not written node={} type={}: {}", node, TYPE, why);
            return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.FAILED, why);
        }
        log.info("node condition written node={} type={}: {}", node, TYPE, did);
        return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.APPLIED, did);
    }
}
