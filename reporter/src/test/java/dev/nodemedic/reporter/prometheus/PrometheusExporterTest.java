package dev.nodemedic.reporter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.reporter.Reporter;
import dev.nodemedic.reporter.RecentEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusExporterTest {
    private static final ConditionDeclaration DEADLOCK = new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock");

    private final ManualClock clock = new ManualClock();
    private final PrometheusExporter prometheus = new PrometheusExporter();
    private final Reporter reporter = new Reporter(List.of(prometheus), new RecentEvents(10));

    @Test
    void npdSeriesReadExactlyAsNpdExposesThem() throws Exception {
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        reporter.emit("kernel-log", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 42", clock.instant()));
        reporter.emit("kernel-log", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 43", clock.instant()));

        assertThat(prometheus.scrape()).contains("""
                # HELP problem_counter Number of times a specific type of problem have occurred.
                # TYPE problem_counter counter
                problem_counter{reason="DockerHung"} 1
                problem_counter{reason="OOMKilling"} 2
                # HELP problem_gauge Whether a specific type of problem is affecting the node or not.
                # TYPE problem_gauge gauge
                problem_gauge{reason="DockerHung",type="KernelDeadlock"} 1
                problem_gauge{reason="KernelHasNoDeadlock",type="KernelDeadlock"} 0
                """).doesNotContain("problem_counter_total");
    }

    @Test
    void aNewReasonZeroesTheTypesPreviousReason() throws Exception {
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "m", clock.instant());
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "AUFSUmountHung", "m", clock.instant());

        assertThat(prometheus.problems().gauge("KernelDeadlock", "DockerHung")).isZero();
        assertThat(prometheus.problems().gauge("KernelDeadlock", "AUFSUmountHung")).isEqualTo(1);
        assertThat(prometheus.problems().counter("AUFSUmountHung")).isEqualTo(1);
    }

    @Test
    void aMessageChangeAloneCountsNothing() throws Exception {
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "first", clock.instant());
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "second", clock.instant());

        assertThat(prometheus.problems().counter("DockerHung")).isEqualTo(1);
    }

    @Test
    void aWithdrawnTypeLeavesTheGauge() throws Exception {
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.book().withdraw("kernel-log");

        assertThat(prometheus.scrape()).doesNotContain("problem_gauge{");
    }

    @Test
    void ourOwnMetersShareTheScrapeWithTheirPrometheusNames() {
        prometheus.registry().counter("nodemedic.daemon.restarts", "daemon", "kernel-log").increment();

        assertThat(prometheus.scrape()).contains("nodemedic_daemon_restarts_total{daemon=\"kernel-log\"} 1.0");
    }
}
