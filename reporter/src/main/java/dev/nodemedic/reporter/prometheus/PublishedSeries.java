package dev.nodemedic.reporter.prometheus;

import dev.nodemedic.daemon.api.MetricFamily;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The metric families daemons publish under names another tool gave them (NPD's system-stats series,
 * {@code cpu_usage_time{state}}), rendered as named: Micrometer would add {@code _total} to a counter and
 * the {@code daemon} label to every series, and NPD's dashboards query neither. Each owner's families
 * replace what it published before; a family has one owner, so two daemon instances never overwrite
 * each other's values.
 */
final class PublishedSeries {
    /** Family name to its owner and latest value, kept sorted so the exposition is stable between scrapes. */
    private final SortedMap<String, Owned> families = new TreeMap<>();

    private record Owned(String owner, MetricFamily family) {
    }

    /**
     * Replaces what {@code owner} published; an empty list withdraws it.
     *
     * @throws IllegalArgumentException if another owner publishes one of these families (nothing is changed then)
     */
    synchronized void publish(String owner, List<MetricFamily> published) {
        Map<String, MetricFamily> byName = new HashMap<>();
        for (MetricFamily family : published) {
            Owned other = families.get(family.name());
            if (other != null && !other.owner().equals(owner)) {
                throw new IllegalArgumentException("metric " + family.name() + " is already published by daemon " + other.owner()
                        + "; two instances cannot own one metric (give them configs with different metrics)");
            }
            if (byName.put(family.name(), family) != null) {
                throw new IllegalArgumentException("metric " + family.name() + " is published twice by daemon " + owner + "; publish it once with all its samples");
            }
        }
        families.values().removeIf(owned -> owned.owner().equals(owner));
        byName.forEach((name, family) -> families.put(name, new Owned(owner, family)));
    }

    /** Prometheus text format 0.0.4. */
    synchronized String exposition() {
        StringBuilder text = new StringBuilder();
        for (Owned owned : families.values()) {
            MetricFamily family = owned.family();
            if (family.samples().isEmpty()) {
                continue;
            }
            text.append("# HELP ").append(family.name()).append(' ').append(family.help().replace("\\", "\\\\")).append('\n');
            text.append("# TYPE ").append(family.name()).append(' ').append(family.type().exposition()).append('\n');
            for (MetricFamily.Sample sample : family.samples()) {
                text.append(family.name());
                if (!sample.labels().isEmpty()) {
                    text.append('{');
                    boolean first = true;
                    for (Map.Entry<String, String> label : new TreeMap<>(sample.labels()).entrySet()) {
                        text.append(first ? "" : ",").append(label.getKey()).append("=\"").append(ProblemSeries.escape(label.getValue())).append('"');
                        first = false;
                    }
                    text.append('}');
                }
                text.append(' ').append(format(sample.value())).append('\n');
            }
        }
        return text.toString();
    }

    /** Whole numbers as NPD's exporter writes them (8601, not 8601.0); counters of bytes and ticks are whole. */
    private static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }
}
