package dev.nodemedic.reporter.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The node as one watch event showed it: all {@link NodeStatusSync} needs to notice that our entries are gone. */
sealed interface NodeObservation {
    /** The node was deleted; a node of that name may be created again (kubelet re-registers it). */
    record Gone() implements NodeObservation {
    }

    /**
     * @param uid      the object's uid, which changes when the node is deleted and created again
     * @param ourTypes condition types on it that carry our {@link OwnerMark}
     */
    record Present(Optional<String> uid, Set<String> ourTypes) implements NodeObservation {
        public Present {
            Objects.requireNonNull(uid, "uid");
            ourTypes = Set.copyOf(ourTypes);
        }
    }

    static NodeObservation of(Node node) {
        Optional<String> uid = Optional.ofNullable(node.getMetadata()).map(m -> m.getUid());
        return new Present(uid, NodeAdoption.ourEntries(node).stream().map(NodeCondition::getType).collect(Collectors.toSet()));
    }
}
