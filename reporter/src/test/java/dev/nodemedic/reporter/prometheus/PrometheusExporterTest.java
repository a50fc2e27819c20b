package dev.nodemedic.reporter.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.ReasonDeclaration;
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

        assertThat(prometheus.problems().gauge("KernelDeadlock", "DockerHung")).contains(0L);
        assertThat(prometheus.problems().gauge("KernelDeadlock", "AUFSUmountHung")).contains(1L);
        assertThat(prometheus.problems().counter("AUFSUmountHung")).contains(1L);
    }

    @Test
    void aMessageChangeAloneCountsNothing() throws Exception {
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "first", clock.instant());
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "second", clock.instant());

        assertThat(prometheus.problems().counter("DockerHung")).contains(1L);
    }

    @Test
    void aWithdrawnTypeLeavesTheGauge() throws Exception {
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.book().withdraw("kernel-log");

        assertThat(prometheus.scrape()).doesNotContain("problem_gauge{");
    }

    /** As NPD's kernel-monitor.json rules declare them: temporary OOMKilling and TaskHung, permanent KernelDeadlock/DockerHung. */
    private static final List<ReasonDeclaration> KERNEL_MONITOR = List.of(ReasonDeclaration.event("OOMKilling"), ReasonDeclaration.event("TaskHung"),
            ReasonDeclaration.condition("KernelDeadlock", "DockerHung"));

    @Test
    void declaredReasonsAreAtZeroBeforeTheFirstProblem() throws Exception {
        reporter.book().declare("kernel-monitor", List.of(DEADLOCK), clock.instant());
        reporter.declareReasons("kernel-monitor", KERNEL_MONITOR);

        assertThat(prometheus.scrape()).contains("""
                problem_counter{reason="DockerHung"} 0
                problem_counter{reason="OOMKilling"} 0
                problem_counter{reason="TaskHung"} 0
                # HELP problem_gauge Whether a specific type of problem is affecting the node or not.
                # TYPE problem_gauge gauge
                problem_gauge{reason="DockerHung",type="KernelDeadlock"} 0
                problem_gauge{reason="KernelHasNoDeadlock",type="KernelDeadlock"} 0
                """);

        reporter.emit("kernel-monitor", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 42", clock.instant()));
        reporter.book().set("kernel-monitor", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());

        assertThat(prometheus.scrape()).contains("problem_counter{reason=\"OOMKilling\"} 1\n", "problem_counter{reason=\"DockerHung\"} 1\n",
                "problem_gauge{reason=\"DockerHung\",type=\"KernelDeadlock\"} 1\n", "problem_gauge{reason=\"KernelHasNoDeadlock\",type=\"KernelDeadlock\"} 0\n");
    }

    @Test
    void declaringAgainKeepsWhatWasCounted() {
        reporter.declareReasons("kernel-monitor", KERNEL_MONITOR);
        reporter.emit("kernel-monitor", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 42", clock.instant()));
        reporter.declareReasons("kernel-monitor", KERNEL_MONITOR);

        assertThat(prometheus.problems().counter("OOMKilling")).contains(1L);
    }

    @Test
    void aWithdrawnDaemonsSeriesGoUnlessTheyCountedOrAnotherDeclaresThem() throws Exception {
        reporter.book().declare("kernel-monitor", List.of(DEADLOCK), clock.instant());
        reporter.declareReasons("kernel-monitor", KERNEL_MONITOR);
        reporter.declareReasons("docker-monitor", List.of(ReasonDeclaration.event("TaskHung")));
        reporter.emit("kernel-monitor", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 42", clock.instant()));

        reporter.withdraw("kernel-monitor");

        assertThat(prometheus.problems().counter("OOMKilling")).as("counted: dropping it would read as a counter reset").contains(1L);
        assertThat(prometheus.problems().counter("TaskHung")).as("docker-monitor still declares it").contains(0L);
        assertThat(prometheus.problems().counter("DockerHung")).isEmpty();
        assertThat(prometheus.scrape()).doesNotContain("problem_gauge{", "DockerHung");
    }

    /** kernel-log emits NPD's condition-change Event and sets the condition: one problem, as NPD counts it. */
    @Test
    void theEventAnnouncingAConditionChangeIsCountedOnceWithIt() throws Exception {
        reporter.book().declare("kernel-monitor", List.of(DEADLOCK), clock.instant());
        reporter.declareReasons("kernel-monitor", KERNEL_MONITOR);

        reporter.emit("kernel-monitor", new Event("kernel-monitor", Severity.WARNING, "DockerHung", "task docker:7 blocked", clock.instant()));
        reporter.book().set("kernel-monitor", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());

        assertThat(prometheus.problems().counter("DockerHung")).contains(1L);
    }

    @Test
    void aConditionBackToHealthyIsNoProblem() throws Exception {
        reporter.book().declare("kernel-monitor", List.of(DEADLOCK), clock.instant());
        reporter.declareReasons("kernel-monitor", KERNEL_MONITOR);
        reporter.book().set("kernel-monitor", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());

        reporter.emit("kernel-monitor", new Event("kernel-monitor", Severity.INFO, "KernelHasNoDeadlock", "kernel has no deadlock", clock.instant()));
        reporter.book().set("kernel-monitor", "KernelDeadlock", ConditionStatus.FALSE, "KernelHasNoDeadlock", "kernel has no deadlock", clock.instant());

        assertThat(prometheus.problems().counter("KernelHasNoDeadlock")).isEmpty();
        assertThat(prometheus.problems().counter("DockerHung")).contains(1L);
    }

    /** A reason declared for an Event too (NPD's custom-plugin-monitor.json has NTPIsDown as both) counts each Event. */
    @Test
    void aReasonDeclaredForAnEventAndAConditionCountsBoth() throws Exception {
        reporter.book().declare("ntp", List.of(new ConditionDeclaration("NTPProblem", "NTPIsUp", "ntp service is up")), clock.instant());
        reporter.declareReasons("ntp", List.of(ReasonDeclaration.event("NTPIsDown"), ReasonDeclaration.condition("NTPProblem", "NTPIsDown")));

        reporter.emit("ntp", new Event("ntp-custom-plugin-monitor", Severity.WARNING, "NTPIsDown", "ntp is down", clock.instant()));
        reporter.book().set("ntp", "NTPProblem", ConditionStatus.TRUE, "NTPIsDown", "ntp is down", clock.instant());

        assertThat(prometheus.problems().counter("NTPIsDown")).contains(2L);
    }

    @Test
    void ourOwnMetersShareTheScrapeWithTheirPrometheusNames() {
        prometheus.registry().counter("nodemedic.daemon.restarts", "daemon", "kernel-log").increment();

        assertThat(prometheus.scrape()).contains("nodemedic_daemon_restarts_total{daemon=\"kernel-log\"} 1.0");
    }
}
