package dev.nodemedic.core.plugins;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jars and daemon instances the agent refused, for the status page and the log. One entry per jar:
 * a refusal lasts until the jar is removed, replaced or loads after all. Bounded, oldest out first.
 */
public final class Refusals {
    /** @param jar the jar refused, or that brought the refused instance */
    public record Refusal(String jar, String why, Instant at) {
    }

    static final int CAPACITY = 100;
    private static final Logger log = LoggerFactory.getLogger(Refusals.class);
    private final Map<String, List<Refusal>> byJar = new LinkedHashMap<>();
    private volatile List<Refusal> snapshot = List.of();

    synchronized void refuse(String jar, String why, Instant at) {
        log.warn("refused {}", why);
        List<Refusal> existing = byJar.getOrDefault(jar, List.of());
        List<Refusal> next = new ArrayList<>(existing);
        next.add(new Refusal(jar, why, at));
        byJar.put(jar, List.copyOf(next));
        while (byJar.size() > CAPACITY) {
            byJar.remove(byJar.keySet().iterator().next());
        }
        publish();
    }

    synchronized void forget(String jar) {
        if (byJar.remove(jar) != null) {
            publish();
        }
    }

    public List<Refusal> all() {
        return snapshot;
    }

    private void publish() {
        snapshot = byJar.values().stream().flatMap(List::stream).toList();
    }
}
