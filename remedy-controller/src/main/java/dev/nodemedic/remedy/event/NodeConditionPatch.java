package dev.nodemedic.remedy.event;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.apiserver.NodeStatusPatch;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.remedy.action.ActionKind;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Mode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NeedsHumanCondition} written as a {@link NodeStatusPatch}: a strategic merge patch of
 * {@code nodes/{name}/status} carrying only our entry, so kubelet's and the detectors' entries stay as
 * they are. The node agent writes its conditions through the same class (reporter/README.md, "Node status").
 */
public final class NodeConditionPatch implements NeedsHumanCondition {
    private static final Logger log = LoggerFactory.getLogger(NodeConditionPatch.class);

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
        Instant now = clock.instant();
        String said = message + " (policy " + policy + ")";
        var entry = new NodeStatusPatch.Entry(TYPE, ConditionStatus.TRUE, reason, said, now, now);
        ActionResult result = send(node, new NodeStatusPatch(List.of(entry), new TreeSet<>()), "node " + node + " needs a person: " + said);
        if (result.outcome() == ActionResult.Outcome.APPLIED) {
            events.record(node, RemedyReason.RemedyNeedsHuman, result.message());
        }
        return result;
    }

    @Override
    public ActionResult clear(String node) {
        return send(node, NodeStatusPatch.deleting(TYPE), "condition " + TYPE + " removed from node " + node);
    }

    private ActionResult send(String node, NodeStatusPatch patch, String did) {
        if (mode == Mode.DRY_RUN) {
            log.info("dry-run, not written action=needs_human node={}: {}", node, did);
            return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.WOULD_APPLY, "would write: " + did + " (dry-run)");
        }
        try {
            patch.applyTo(client, node);
        } catch (KubernetesClientException e) {
            ApiFailure error = ApiFailure.of(e);
            if (error.notFound()) {
                return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.REFUSED, "node " + node + " does not exist");
            }
            String why = error.explain("patch nodes/" + node + "/status", Caller.CONTROLLER);
            log.warn("condition not written node={} type={}: {}", node, TYPE, why);
            return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.FAILED, why);
        }
        log.info("node condition written node={} type={}: {}", node, TYPE, did);
        return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.APPLIED, did);
    }
}
