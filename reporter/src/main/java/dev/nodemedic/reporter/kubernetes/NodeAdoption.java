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
 * @param fromThisBoot our conditions that changed status during this boot, whatever that status: a
 *                     restarted agent keeps a True one rather than flap a real problem to healthy, and
 *                     keeps the transition time of any it re-derives ({@link dev.nodemedic.reporter.ConditionBook#adopt}).
 *                     After a reboot the problem may be gone, so entries from before it are left out.
 * @param ourTypes     condition types on the node carrying our {@link OwnerMark}: ours, whether still
 *                     declared or stale
 */
record NodeAdoption(Map<String, Condition> fromThisBoot, Set<String> ourTypes) {
    NodeAdoption {
        fromThisBoot = Map.copyOf(fromThisBoot);
        ourTypes = Set.copyOf(ourTypes);
    }

    /** @param bootTime when the node last booted: a condition that changed before it is from an earlier boot */
    static NodeAdoption of(Node node, Instant bootTime) {
        Map<String, Condition> fromThisBoot = new HashMap<>();
        Set<String> ours = new HashSet<>();
        for (NodeCondition entry : ourEntries(node)) {
            String type = entry.getType();
            ours.add(type);
            parse(entry, bootTime).ifPresent(condition -> fromThisBoot.put(type, condition));
        }
        return new NodeAdoption(fromThisBoot, ours);
    }

    /** The condition entries that carry our mark; kubelet's types never do. */
    static List<NodeCondition> ourEntries(Node node) {
        List<NodeCondition> conditions = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of()
                : node.getStatus().getConditions();
        return conditions.stream()
                .filter(entry -> entry.getType() != null && !ConditionDeclaration.KUBELET_TYPES.contains(entry.getType()) && OwnerMark.isMarked(entry.getMessage()))
                .toList();
    }

    /** An entry as a condition, if it is from this boot and well formed; one edited by hand into something else is not adopted. */
    private static Optional<Condition> parse(NodeCondition entry, Instant bootTime) {
        if (entry.getLastTransitionTime() == null || entry.getStatus() == null || entry.getReason() == null) {
            return Optional.empty();
        }
        try {
            Instant transition = Instant.parse(entry.getLastTransitionTime());
            if (transition.isBefore(bootTime)) {
                return Optional.empty();
            }
            return Optional.of(new Condition(entry.getType(), ConditionStatus.fromApiValue(entry.getStatus()), entry.getReason(),
                    OwnerMark.unmark(entry.getMessage()), transition));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
