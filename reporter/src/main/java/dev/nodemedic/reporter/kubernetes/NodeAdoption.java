package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the agent takes over from its node at start.
 *
 * @param stillTrue conditions that are True and went True during this boot: a restarted agent keeps
 *                  them rather than flap a real problem to healthy. After a reboot the problem may be
 *                  gone, so those start from the healthy default instead.
 * @param ourTypes  condition types on the node carrying our {@link OwnerMark}: ours, whether still
 *                  declared or stale
 */
record NodeAdoption(Map<String, Condition> stillTrue, Set<String> ourTypes) {
    NodeAdoption {
        stillTrue = Map.copyOf(stillTrue);
        ourTypes = Set.copyOf(ourTypes);
    }

    /** @param bootTime when the node last booted: a condition that went True before it is from an earlier boot */
    static NodeAdoption of(Node node, Instant bootTime) {
        List<NodeCondition> conditions = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of()
                : node.getStatus().getConditions();
        Map<String, Condition> stillTrue = new HashMap<>();
        Set<String> ours = new HashSet<>();
        for (NodeCondition entry : conditions) {
            String type = entry.getType();
            if (type == null || ConditionDeclaration.KUBELET_TYPES.contains(type) || !OwnerMark.isMarked(entry.getMessage())) {
                continue;
            }
            ours.add(type);
            Optional<Instant> transition = parse(entry.getLastTransitionTime());
            if (ConditionStatus.TRUE.apiValue().equals(entry.getStatus()) && transition.isPresent() && !transition.get().isBefore(bootTime)
                    && entry.getReason() != null && !entry.getReason().isBlank()) {
                stillTrue.put(type, new Condition(type, ConditionStatus.TRUE, entry.getReason(), OwnerMark.unmark(entry.getMessage()), transition.get()));
            }
        }
        return new NodeAdoption(stillTrue, ours);
    }

    private static Optional<Instant> parse(String apiTime) {
        if (apiTime == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(apiTime));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
