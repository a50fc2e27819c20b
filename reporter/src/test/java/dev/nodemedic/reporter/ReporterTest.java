package dev.nodemedic.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.api.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReporterTest {
    private static final ConditionDeclaration DEADLOCK = new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock");

    /** Records what it hears. */
    private static final class Recording implements Exporter {
        final List<BookSnapshot> snapshots = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        final List<List<ReasonDeclaration>> reasons = new ArrayList<>();

        @Override
        public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
            snapshots.add(snapshot);
        }

        @Override
        public void eventEmitted(String owner, Event event) {
            events.add(event);
        }

        @Override
        public void reasonsDeclared(String owner, List<ReasonDeclaration> declared) {
            reasons.add(declared);
        }
    }

    /** Fails on everything, as a buggy exporter would. */
    private static final class Broken implements Exporter {
        @Override
        public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
            throw new IllegalStateException("bug");
        }

        @Override
        public void eventEmitted(String owner, Event event) {
            throw new IllegalStateException("bug");
        }

        @Override
        public void reasonsDeclared(String owner, List<ReasonDeclaration> declared) {
            throw new IllegalStateException("bug");
        }
    }

    @Test
    void aBrokenExporterNeitherStopsTheOthersNorReachesTheDaemon() throws Exception {
        ManualClock clock = new ManualClock();
        Recording recording = new Recording();
        Reporter reporter = new Reporter(List.of(new Broken(), recording), new RecentEvents(5));

        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.declareReasons("kernel-log", List.of(ReasonDeclaration.event("OOMKilling")));
        reporter.book().set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", clock.instant());
        reporter.emit("kernel-log", new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process 1", clock.instant()));

        assertThat(recording.snapshots).hasSize(2);
        assertThat(recording.events).hasSize(1);
        assertThat(recording.reasons).containsExactly(List.of(ReasonDeclaration.event("OOMKilling")));
        assertThat(reporter.recentEvents().newestFirst()).hasSize(1);
    }

    @Test
    void aWithdrawnOwnerLeavesTheBookAndItsReasonsTheExporters() throws Exception {
        ManualClock clock = new ManualClock();
        Recording recording = new Recording();
        Reporter reporter = new Reporter(List.of(recording), new RecentEvents(5));
        reporter.book().declare("kernel-log", List.of(DEADLOCK), clock.instant());
        reporter.declareReasons("kernel-log", List.of(ReasonDeclaration.event("OOMKilling")));

        reporter.withdraw("kernel-log");

        assertThat(reporter.book().snapshot().all()).isEmpty();
        assertThat(recording.reasons).last().isEqualTo(List.of());
    }
}
