package dev.nodemedic.reporter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.api.MetricFamily.Sample;
import dev.nodemedic.daemon.api.MetricFamily.Type;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedSeriesTest {
    private final PrometheusExporter prometheus = new PrometheusExporter();
    private final Reporter reporter = new Reporter(List.of(prometheus), new RecentEvents(10));

    private static MetricFamily usage(double user) {
        return new MetricFamily("cpu_usage_time", Type.COUNTER, "CPU usage, in seconds",
                List.of(new Sample(Map.of("state", "user"), user), new Sample(Map.of("state", "system"), 12)));
    }

    @Test
    void publishedFamiliesAreExposedAsNamedWithoutPrefixDaemonLabelOrTotalSuffix() {
        reporter.publishMetrics("system-stats", List.of(usage(3_456_789),
                new MetricFamily("disk_avg_queue_len", Type.GAUGE, "The average queue length on the disk", List.of(new Sample(Map.of("device_name", "sda"), 0.25)))));

        assertThat(prometheus.scrape()).contains("""
                # HELP cpu_usage_time CPU usage, in seconds
                # TYPE cpu_usage_time counter
                cpu_usage_time{state="user"} 3456789
                cpu_usage_time{state="system"} 12
                # HELP disk_avg_queue_len The average queue length on the disk
                # TYPE disk_avg_queue_len gauge
                disk_avg_queue_len{device_name="sda"} 0.25
                """).doesNotContain("cpu_usage_time_total").doesNotContain("daemon=\"system-stats\"");
    }

    @Test
    void eachPublicationReplacesTheLastAndWithdrawingRemovesIt() {
        reporter.publishMetrics("system-stats", List.of(usage(1), new MetricFamily("host_uptime", Type.GAUGE, "uptime", List.of(new Sample(Map.of(), 81)))));
        reporter.publishMetrics("system-stats", List.of(usage(2)));

        assertThat(prometheus.scrape()).contains("cpu_usage_time{state=\"user\"} 2\n").doesNotContain("host_uptime");

        reporter.withdraw("system-stats");
        assertThat(prometheus.scrape()).doesNotContain("cpu_usage_time");
    }

    @Test
    void aFamilyAnotherInstancePublishesIsRefusedAndKeepsItsOwner() {
        reporter.publishMetrics("system-stats", List.of(usage(1)));

        assertThatThrownBy(() -> reporter.publishMetrics("system-stats-2", List.of(usage(9))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cpu_usage_time is already published by daemon system-stats");
        assertThat(prometheus.scrape()).contains("cpu_usage_time{state=\"user\"} 1\n");
    }

    @Test
    void theAgentsOwnNamesCannotBePublished() {
        assertThatThrownBy(() -> new MetricFamily("problem_counter", Type.COUNTER, "", List.of())).hasMessageContaining("belongs to the agent");
        assertThatThrownBy(() -> new MetricFamily("nodemedic_daemon_up", Type.GAUGE, "", List.of())).hasMessageContaining("belongs to the agent");
        assertThatThrownBy(() -> new MetricFamily("cpu/usage_time", Type.GAUGE, "", List.of())).hasMessageContaining("not a Prometheus metric name");
    }
}
