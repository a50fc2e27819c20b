package dev.nodemedic.reporter.prometheus;

import dev.nodemedic.daemon.api.ReasonDeclaration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

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

    /** What each owner declared it can report; a declared series goes only when no owner declares it any more. */
    private final Map<String, List<ReasonDeclaration>> declared = new HashMap<>();
    /** Per owner, the reasons it declared for a condition and not for an event: its Events with them announce a condition change. */
    private final Map<String, Set<String>> changeReasons = new HashMap<>();

    /**
     * NPD's {@code initializeProblemMetricsOrDie}: every declared reason gets its counter at 0, and a
     * condition's reason its gauge at 0, unless the series already exists. Replaces what {@code owner}
     * declared before; an empty list withdraws it. A series no owner declares any more goes if it is
     * still 0: one that counted something stays, as NPD's do for the life of the process (dropping it
     * would read as a counter reset), and a type's current gauge goes with its type ({@link #removeType}).
     */
    synchronized void declare(String owner, List<ReasonDeclaration> reasons) {
        List<ReasonDeclaration> before = reasons.isEmpty() ? declared.remove(owner) : declared.put(owner, List.copyOf(reasons));
        Set<String> eventReasons = reasons.stream().filter(r -> r.conditionType().isEmpty()).map(ReasonDeclaration::reason).collect(Collectors.toSet());
        Set<String> onlyForConditions = reasons.stream().filter(r -> r.conditionType().isPresent()).map(ReasonDeclaration::reason)
                .filter(r -> !eventReasons.contains(r)).collect(Collectors.toUnmodifiableSet());
        if (onlyForConditions.isEmpty()) {
            changeReasons.remove(owner);
        } else {
            changeReasons.put(owner, onlyForConditions);
        }
        for (ReasonDeclaration reason : reasons) {
            counters.putIfAbsent(reason.reason(), 0L);
            reason.conditionType().ifPresent(type -> gauges.putIfAbsent(new TypeReason(type, reason.reason()), 0L));
        }
        if (before == null) {
            return;
        }
        Set<ReasonDeclaration> still = declared.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        Set<String> stillCounted = still.stream().map(ReasonDeclaration::reason).collect(Collectors.toSet());
        for (ReasonDeclaration gone : before) {
            if (!stillCounted.contains(gone.reason())) {
                counters.remove(gone.reason(), 0L);
            }
            gone.conditionType().filter(type -> !still.contains(gone) && !gone.reason().equals(currentReason.get(type)))
                    .ifPresent(type -> gauges.remove(new TypeReason(type, gone.reason()), 0L));
        }
    }

    /**
     * Whether {@code owner} declared {@code reason} only for a condition: an Event with it is the one a
     * daemon emits when that condition changes (as NPD's condition-change Event), a problem the
     * condition's change already counted.
     */
    synchronized boolean announcesConditionChange(String owner, String reason) {
        return changeReasons.getOrDefault(owner, Set.of()).contains(reason);
    }

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

    /** The counter's value; empty when the series does not exist. */
    synchronized Optional<Long> counter(String reason) {
        return Optional.ofNullable(counters.get(reason));
    }

    /** The gauge's value; empty when the series does not exist. */
    synchronized Optional<Long> gauge(String type, String reason) {
        return Optional.ofNullable(gauges.get(new TypeReason(type, reason)));
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

    /** A label value in Prometheus' text format: backslash, double quote and line feed escaped. */
    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
