package dev.nodemedic.remedy.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine needs of a Node: its labels (selection, zone), its conditions, the ledger the
 * controller left on it, and whether someone else cordoned it. Immutable; built from the informer's
 * Node on every change.
 *
 * @param unreadableLedger why the node's NodeRemedyLedger could not be read, when it could not (then
 *                         {@code ledger} is empty). Such a node is held: what the controller did to it is
 *                         unknown, so acting on it could repeat a step past its budgets and undoing could
 *                         lift what is not ours
 *
 * @param cordonedByPerson {@code spec.unschedulable} is true without our cordon mark: a person (or a
 *                         tool acting for one, such as {@code kubectl drain}) took the node out of service,
 *                         and the node is in their hands
 */
public record NodeSnapshot(String name, Map<String, String> labels, List<ObservedCondition> conditions,
                           Optional<Ledger> ledger, Optional<String> unreadableLedger, boolean cordonedByPerson) {
    /** The well-known zone label; nodes without it share one unnamed zone for maxPerZone. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    public NodeSnapshot {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        conditions = List.copyOf(conditions);
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(unreadableLedger, "unreadableLedger");
        if (ledger.isPresent() && unreadableLedger.isPresent()) {
            throw new IllegalArgumentException("node " + name + " has a ledger and an unreadable one at once");
        }
    }

    public String zone() {
        return labels.getOrDefault(ZONE_LABEL, "");
    }

    /** With the ledger read from the node's NodeRemedyLedger (empty: it has none); a readable ledger ends an unreadable one. */
    public NodeSnapshot withLedger(Optional<Ledger> value) {
        return new NodeSnapshot(name, labels, conditions, value, Optional.empty(), cordonedByPerson);
    }

    /** With a NodeRemedyLedger that could not be read, and why. */
    public NodeSnapshot withUnreadableLedger(String why) {
        return new NodeSnapshot(name, labels, conditions, Optional.empty(), Optional.of(why), cordonedByPerson);
    }

    public Optional<ObservedCondition> condition(String type) {
        for (ObservedCondition condition : conditions) {
            if (condition.type().equals(type)) {
                return Optional.of(condition);
            }
        }
        return Optional.empty();
    }
}
