package dev.nodemedic.daemons.systemstats;

import dev.nodemedic.daemon.api.MetricFamily;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What one collection cycle read, per NPD metric, turned into the families the agent exports. */
final class Samples {
    private final Map<NpdMetric, String> enabled;
    private final Map<NpdMetric, List<MetricFamily.Sample>> samples = new EnumMap<>(NpdMetric.class);

    Samples(Map<NpdMetric, String> enabled) {
        this.enabled = enabled;
    }

    boolean wants(NpdMetric metric) {
        return enabled.containsKey(metric);
    }

    /** Records a value of {@code metric}; nothing when this instance's config leaves it off. */
    void add(NpdMetric metric, Map<String, String> labels, double value) {
        if (wants(metric)) {
            samples.computeIfAbsent(metric, m -> new ArrayList<>()).add(new MetricFamily.Sample(labels, value));
        }
    }

    List<MetricFamily> families() {
        List<MetricFamily> families = new ArrayList<>(samples.size());
        samples.forEach((metric, list) -> families.add(new MetricFamily(enabled.get(metric), metric.type, metric.help, list)));
        return families;
    }
}
