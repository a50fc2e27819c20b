package dev.nodemedic.core.supervision;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon instance names on this node, shared by plugin instances and remote daemons: the name is
 * the owner of conditions in the book, so two daemons under one name would overwrite each other's
 * conditions. Thread-safe: plugins claim on the supervision thread, remote daemons on the event loop.
 */
public final class InstanceNames {
    private final Map<String, String> holders = new HashMap<>();

    /**
     * Claims {@code name} for {@code holder} (such as "plugin kernel-log"); claiming again by the same
     * holder succeeds.
     *
     * @return who holds it, if someone else does
     */
    public synchronized Optional<String> claim(String name, String holder) {
        String held = holders.putIfAbsent(name, holder);
        return held == null || held.equals(holder) ? Optional.empty() : Optional.of(held);
    }

    public synchronized void release(String name, String holder) {
        holders.remove(name, holder);
    }
}
