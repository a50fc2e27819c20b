package dev.nodemedic.daemons.systemstats;

import dev.nodemedic.daemon.api.MetricFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a daemon published, looked up as a Prometheus query would: a family by name, a series by its labels. */
record Scrape(List<MetricFamily> families) {

    Optional<MetricFamily> family(String name) {
        return families.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The value of the series with exactly these labels. */
    double value(String name, Map<String, String> labels) {
        MetricFamily family = family(name).orElseThrow(() -> new AssertionError("no family " + name + "; published: " + families.stream().map(MetricFamily::name).toList()));
        return family.samples().stream().filter(s -> s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + name + labels + "; it has " + family.samples().stream().map(MetricFamily.Sample::labels).toList()))
                .value();
    }

    /** The label sets of a family's series. */
    List<Map<String, String>> series(String name) {
        return family(name).map(f -> f.samples().stream().map(MetricFamily.Sample::labels).toList()).orElse(List.of());
    }
}
