package dev.nodemedic.reporter.prometheus;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * NPD's two series, {@code problem_counter{reason}} and {@code problem_gauge{type,reason}}, held and
 * rendered here rather than as Micrometer meters: Micrometer (on Prometheus client 1.x) writes every
 * counter as {@code <name>_total}, and NPD's dashboards and alerts query {@code problem_counter}
 * itself. The text is what NPD's OpenCensus exporter writes, help lines included.
 */
final class ProblemSeries {
    /** A gauge's labels. */
    record TypeReason(String type, String reason) implements Comparable<TypeReason> {
        @Override
        public int compareTo(TypeReason other) {
            int byType = type.compareTo(other.type);
            return byType != 0 ? byType : reason.compareTo(other.reason);
        }
    }

    private final SortedMap<String, Long> counters = new TreeMap<>();
    private final SortedMap<TypeReason, Long> gauges = new TreeMap<>();
    /** NPD's rule: one reason per type is current; setting a new one zeroes the last. */
    private final Map<String, String> currentReason = new TreeMap<>();

    synchronized void increment(String reason, long by) {
        counters.merge(reason, by, Long::sum);
    }

    synchronized void setGauge(String type, String reason, boolean problem) {
        Optional.ofNullable(currentReason.put(type, reason)).ifPresent(last -> gauges.put(new TypeReason(type, last), 0L));
        gauges.put(new TypeReason(type, reason), problem ? 1L : 0L);
    }

    /** The type is no longer declared by anyone: its series go, as the condition goes from the node. */
    synchronized void removeType(String type) {
        currentReason.remove(type);
        gauges.keySet().removeIf(key -> key.type().equals(type));
    }

    synchronized long counter(String reason) {
        return counters.getOrDefault(reason, 0L);
    }

    synchronized long gauge(String type, String reason) {
        return gauges.getOrDefault(new TypeReason(type, reason), 0L);
    }

    /** Prometheus text format 0.0.4, exactly as NPD exposes these two families. */
    synchronized String exposition() {
        StringBuilder text = new StringBuilder();
        if (!counters.isEmpty()) {
            text.append("# HELP problem_counter Number of times a specific type of problem have occurred.\n");
            text.append("# TYPE problem_counter counter\n");
            counters.forEach((reason, count) -> text.append("problem_counter{reason=\"").append(escape(reason)).append("\"} ").append(count).append('\n'));
        }
        if (!gauges.isEmpty()) {
            text.append("# HELP problem_gauge Whether a specific type of problem is affecting the node or not.\n");
            text.append("# TYPE problem_gauge gauge\n");
            gauges.forEach((key, value) -> text.append("problem_gauge{reason=\"").append(escape(key.reason())).append("\",type=\"")
                    .append(escape(key.type())).append("\"} ").append(value).append('\n'));
        }
        return text.toString();
    }

    private static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
