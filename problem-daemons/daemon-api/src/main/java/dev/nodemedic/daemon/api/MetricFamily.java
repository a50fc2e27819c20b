package dev.nodemedic.daemon.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Prometheus metric family a daemon publishes under a name another tool already gave it, such as
 * NPD's {@code cpu_usage_time{state}}: exported exactly as named, without the {@code nodemedic_}
 * prefix and the {@code daemon} label that {@link DaemonContext#counter} and {@link DaemonContext#gauge}
 * add, so dashboards written for that tool keep working (see {@link DaemonContext#publishMetrics}).
 *
 * @param name    a Prometheus metric name ({@code cpu_usage_time}); not {@code nodemedic_*} and not
 *                NPD's {@code problem_counter} or {@code problem_gauge}, which the agent writes itself
 * @param type    gauge or counter; a counter's value is its running total (set, not added to)
 * @param help    one line for the {@code # HELP} line
 * @param samples one value per label set; no two with the same labels
 * @since 1.4.0
 */
public record MetricFamily(String name, Type type, String help, List<Sample> samples) {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** How Prometheus should read the values. */
    public enum Type {
        GAUGE, COUNTER;

        /** The word on the {@code # TYPE} line. */
        public String exposition() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One series of the family: its labels and value. */
    public record Sample(Map<String, String> labels, double value) {
        public Sample {
            labels = Map.copyOf(labels);
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (!LABEL_NAME.matcher(label.getKey()).matches() || label.getKey().startsWith("__")) {
                    throw new IllegalArgumentException("label \"" + label.getKey() + "\" is not a Prometheus label name (such as device_name)");
                }
            }
        }
    }

    public MetricFamily {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name \"" + name + "\" is not a Prometheus metric name (such as cpu_usage_time)");
        }
        if (name.startsWith("nodemedic_") || name.equals("problem_counter") || name.equals("problem_gauge")) {
            throw new IllegalArgumentException("metric name \"" + name + "\" belongs to the agent; publish it under another name");
        }
        if (type == null) {
            throw new IllegalArgumentException("metric " + name + " needs a type (gauge or counter)");
        }
        help = help == null ? "" : help.replace('\n', ' ');
        samples = List.copyOf(samples);
        if (samples.stream().map(Sample::labels).distinct().count() != samples.size()) {
            throw new IllegalArgumentException("metric " + name + " has two samples with the same labels; give each series its own label values");
        }
    }
}
