package dev.nodemedic.remedy.controller;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.remedy.action.RemedyAnnotations;
import dev.nodemedic.remedy.engine.LedgerCodec;
import dev.nodemedic.remedy.engine.NodeSnapshot;
import dev.nodemedic.remedy.engine.ObservedCondition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads what the engine needs from a Node object: everything but the ledger, which a node does not hold. */
final class NodeSnapshots {
    private static final Logger log = LoggerFactory.getLogger(NodeSnapshots.class);
    static NodeSnapshot of(Node node) {
        String name = node.getMetadata().getName();
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        List<ObservedCondition> conditions = new ArrayList<>();
        if (node.getStatus() != null && node.getStatus().getConditions() != null) {
            for (NodeCondition condition : node.getStatus().getConditions()) {
                observed(name, condition).ifPresent(conditions::add);
            }
        }
        // The ledger is not the Node's to say: it comes from the node's NodeRemedyLedger (RemedyLoop#ledgerChanged).
        return new NodeSnapshot(name, labels, conditions, Optional.empty(), Optional.empty(), cordonedByPerson(node));
    }

    /** Unschedulable without our mark: a cordon we did not make, and never lift. */
    private static boolean cordonedByPerson(Node node) {
        boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return unschedulable && (annotations == null || !"true".equals(annotations.get(RemedyAnnotations.CORDONED)));
    }

    private static Optional<ObservedCondition> observed(String node, NodeCondition condition) {
        if (condition.getType() == null) {
            return Optional.empty();
        }
        Optional<Instant> transition = time(condition.getLastTransitionTime());
        if (transition.isEmpty()) {
            // Without a transition time nothing can be said about how long it has held: never act on it.
            log.debug("condition without lastTransitionTime ignored node={} type={}", node, condition.getType());
            return Optional.empty();
        }
        Instant heartbeat = time(condition.getLastHeartbeatTime()).orElse(transition.get());
        return Optional.of(new ObservedCondition(condition.getType(), ConditionStatus.fromApi(condition.getStatus()),
                condition.getReason(), transition.get(), heartbeat));
    }

    private static Optional<Instant> time(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The node carries a ledger annotation: the controller kept its ledger there once, where the node's
     * own agent can write as well. It is not read; the caller reports it.
     */
    static boolean carriesLedgerAnnotation(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(LedgerCodec.NODE_ANNOTATION);
    }

    private NodeSnapshots() {
    }
}
