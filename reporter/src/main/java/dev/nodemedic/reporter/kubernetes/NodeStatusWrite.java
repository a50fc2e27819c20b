package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.NodeStatusPatch;
import dev.nodemedic.daemon.api.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One write of our conditions to {@code nodes/{name}/status}, as {@link NodeStatusSync} decides it. It
 * goes as a {@link NodeStatusPatch}: every entry whole, with the heartbeat as {@code lastHeartbeatTime},
 * as NPD does, so a write both says what changed and that we are alive; every message carries the
 * {@link OwnerMark}; a type we no longer own is deleted.
 *
 * @param conditions our conditions, by type
 * @param deletes    stale types of ours to remove from the node
 * @param heartbeat  the time of this write
 * @param version    the book snapshot this was built from
 */
record NodeStatusWrite(List<Condition> conditions, SortedSet<String> deletes, Instant heartbeat, long version) {
    NodeStatusWrite {
        conditions = List.copyOf(conditions);
        deletes = new TreeSet<>(deletes);
        Objects.requireNonNull(heartbeat, "heartbeat");
    }

    NodeStatusPatch patch() {
        return new NodeStatusPatch(conditions.stream()
                .map(c -> new NodeStatusPatch.Entry(c.type(), c.status(), c.reason(), OwnerMark.mark(c.message()), c.lastTransitionTime(), heartbeat))
                .toList(), deletes);
    }
}
