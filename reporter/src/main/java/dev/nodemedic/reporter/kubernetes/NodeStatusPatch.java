package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.daemon.api.Condition;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One write of our conditions to {@code nodes/{name}/status}, as a strategic merge patch: the list
 * {@code status.conditions} merges by {@code type}, so the body names only our entries and kubelet's
 * and other writers' entries stay as they are. A type we no longer own goes as
 * {@code {"type": T, "$patch": "delete"}}. Every entry is sent whole, with the heartbeat as
 * {@code lastHeartbeatTime}, as NPD does: a write both says what changed and that we are alive.
 *
 * @param conditions our conditions, by type
 * @param deletes    stale types of ours to remove from the node
 * @param heartbeat  the time of this write
 * @param version    the book snapshot this was built from
 */
record NodeStatusPatch(List<Condition> conditions, SortedSet<String> deletes, Instant heartbeat, long version) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    NodeStatusPatch {
        conditions = List.copyOf(conditions);
        deletes = new TreeSet<>(deletes);
        Objects.requireNonNull(heartbeat, "heartbeat");
        for (Condition condition : conditions) {
            if (deletes.contains(condition.type())) {
                throw new IllegalArgumentException("condition type " + condition.type() + " is both written and deleted in one patch");
            }
        }
    }

    /** The patch body; field order follows {@code kubectl get node -o yaml}. */
    String json() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode entries = body.putObject("status").putArray("conditions");
        for (Condition condition : conditions) {
            ObjectNode entry = entries.addObject();
            entry.put("type", condition.type());
            entry.put("status", condition.status().apiValue());
            entry.put("lastHeartbeatTime", apiTime(heartbeat));
            entry.put("lastTransitionTime", apiTime(condition.lastTransitionTime()));
            entry.put("reason", condition.reason());
            entry.put("message", OwnerMark.mark(condition.message()));
        }
        for (String type : deletes) {
            entries.addObject().put("type", type).put("$patch", "delete");
        }
        return JSON.writeValueAsString(body);
    }

    /** metav1.Time: RFC 3339 in UTC, whole seconds. */
    static String apiTime(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
