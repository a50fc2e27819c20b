package dev.nodemedic.remedy.action;

import dev.nodemedic.remedy.event.NeedsHumanCondition;
import dev.nodemedic.remedy.event.RemedyEvents;
import java.util.Objects;

/**
 * Everything the controller may do to a node, in one {@link Mode}. The runtime builds one set that
 * writes and one for dry-run; {@link ActionsByMode} picks per policy.
 */
public record Actions(Mode mode, NodeActions nodes, Drainer drainer, RemedyEvents events, NeedsHumanCondition needsHuman) {
    public Actions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(drainer, "drainer");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(needsHuman, "needsHuman");
    }
}
