package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metric names the checks read out of dashboards and alerts: only metrics, never labels, functions or keywords. */
class PromQlTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max by (node, type, reason) (problem_gauge) == 1 | problem_gauge",
            "up{job=\"nodemedic-detector\"} == 0 | up",
            "sum by (node) (rate(nodemedic_api_requests_total{code!~\"2..\",node=~\"$node\"}[$__rate_interval])) > 0 | nodemedic_api_requests_total",
            "rate(a_sum[5m]) / on (node) group_left (pod) rate(a_count[5m] offset 1h) | a_count,a_sum",
            "nodemedic_heartbeat_age_seconds > 900 and on () vector(1) | nodemedic_heartbeat_age_seconds",
            "sum without (instance) (increase(x_total[15m])) unless absent(y) | x_total,y",
            "histogram_quantile(0.99, sum by (le) (rate(h_bucket[1m]))) > 1e3 | h_bucket",
    })
    void findsTheMetricsAndNothingElse(String expression, String metrics) {
        assertThat(PromQl.metricNames(expression)).containsExactlyInAnyOrder(metrics.split(","));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "problem_gauge{type=\"KernelDeadlock\"} 1 | problem_gauge",
            "nodemedic_node_status_patch_duration_seconds_count 3 | nodemedic_node_status_patch_duration_seconds_count",
    })
    void readsSeriesNamesFromAnExposition(String line, String name) {
        assertThat(Exposition.seriesNames("# HELP x y\n# TYPE x gauge\n" + line + "\n")).containsExactly(name);
    }
}
