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
 * @param cordonedByPerson {@code spec.unschedulable} is true without our cordon mark: a person (or a
 *                         tool acting for one, such as {@code kubectl drain}) took the node out of service,
 *                         and the node is in their hands
 */
public record NodeSnapshot(String name, Map<String, String> labels, List<ObservedCondition> conditions,
                           Optional<Ledger> ledger, boolean cordonedByPerson) {
    /** The well-known zone label; nodes without it share one unnamed zone for maxPerZone. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    public NodeSnapshot {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        conditions = List.copyOf(conditions);
        Objects.requireNonNull(ledger, "ledger");
    }

    public String zone() {
        return labels.getOrDefault(ZONE_LABEL, "");
    }

    public NodeSnapshot withLedger(Optional<Ledger> value) {
        return new NodeSnapshot(name, labels, conditions, value, cordonedByPerson);
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
