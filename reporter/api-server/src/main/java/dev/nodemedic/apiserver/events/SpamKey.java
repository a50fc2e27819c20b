package dev.nodemedic.apiserver.events;

import java.util.Objects;

/** Whose calls one token bucket bounds: one event source on one node. */
record SpamKey(String source, String node) {
    SpamKey {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(node, "node");
    }
}
