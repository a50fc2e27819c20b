package dev.nodemedic.core.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.core.config.AgentConfig.SupervisionConfig;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.NoConfig;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.reporter.OwnedCondition;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.Test;

/** Supervision logic with hand-made daemons and a hand-stepped clock; real plugin jars are in PluginSupervisionTest. */
class SupervisorTest {
    static final ConditionDeclaration PROBLEM = new ConditionDeclaration("TestProblem", "TestIsFine", "fine");

    /** The supervision thread, stepped by the test: failures reported from other threads wait here. */
    static final class SteppedLoop implements Executor {
        final ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        void drain() {
            Runnable task;
            while ((task = queued.poll()) != null) {
                task.run();
            }
        }
    }

    /** Fails to start while {@code failures} is positive, counting down. */
    static final class FlakyDaemon implements ProblemDaemon<NoConfig> {
        final AtomicInteger failures;
        final AtomicInteger starts;
        DaemonContext<NoConfig> context;

        FlakyDaemon(AtomicInteger failures, AtomicInteger starts) {
            this.failures = failures;
            this.starts = starts;
        }

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public List<ConditionDeclaration> conditions(NoConfig config) {
            return List.of(PROBLEM);
        }

        @Override
        public void start(DaemonContext<NoConfig> context) {
            starts.incrementAndGet();
            this.context = context;
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("cannot open /dev/kmsg: permission denied");
            }
            context.setCondition("TestProblem", ConditionStatus.TRUE, "SomethingBroke", "it broke");
        }

        volatile boolean stopped;

        @Override
        public void stop() {
            stopped = true;
        }
    }

    final ManualClock clock = new ManualClock();
    final SteppedLoop loop = new SteppedLoop();
    final Reporter reporter = new Reporter(List.of(), new RecentEvents(10));
    final SupervisionConfig settings = new SupervisionConfig(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(10),
            Duration.ofMillis(300), Duration.ofSeconds(5));
    final Supervisor supervisor = new Supervisor(reporter, clock, loop, settings);
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();

    OwnedCondition condition() {
        return reporter.book().snapshot().get("TestProblem").orElseThrow();
    }

    DaemonStatus status() {
        return supervisor.statuses().getFirst();
    }

    @Test
    void aDaemonThatThrowsFromStartGoesUnknownWithTheReasonAndRestartsAfterBackoff() {
        failures.set(1);

        assertThat(supervisor.add(spec("flaky"))).isEmpty();

        assertThat(condition().condition().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(condition().condition().reason()).isEqualTo("DaemonNotRunning");
        assertThat(condition().condition().message())
                .isEqualTo("flaky stopped: cannot open /dev/kmsg: permission denied (IllegalStateException); restart in 1s");
        assertThat(status().state()).isEqualTo(DaemonState.BACKING_OFF);

        clock.advance(Duration.ofMillis(999));
        supervisor.tick(clock.instant());
        assertThat(starts).hasValue(1);

        clock.advance(Duration.ofMillis(1));
        supervisor.tick(clock.instant());
        assertThat(starts).hasValue(2);
        assertThat(status().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(status().restarts()).isEqualTo(1);
        assertThat(condition().condition().status()).isEqualTo(ConditionStatus.TRUE);
    }

    @Test
    void backoffDoublesUpToItsCap() {
        failures.set(100);
        supervisor.add(spec("flaky"));
        List<Duration> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Duration wait = Duration.between(clock.instant(), status().nextStart().orElseThrow());
            waits.add(wait);
            clock.advance(wait);
            supervisor.tick(clock.instant());
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(8), Duration.ofSeconds(8));
    }

    @Test
    void aStableRunStartsTheBackoffOver() {
        failures.set(3);
        supervisor.add(spec("flaky"));
        for (int i = 0; i < 3; i++) {
            clock.set(status().nextStart().orElseThrow());
            supervisor.tick(clock.instant());
        }
        assertThat(status().state()).isEqualTo(DaemonState.RUNNING);

        clock.advance(Duration.ofMinutes(10));
        supervisor.tick(clock.instant());
        FlakyDaemon running = lastDaemon();
        running.context.fail(new IllegalStateException("lost the journal"));
        loop.drain();

        assertThat(Duration.between(clock.instant(), status().nextStart().orElseThrow())).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aFailureReportedFromAnotherThreadIsHandledOnTheLoop() throws Exception {
        supervisor.add(spec("flaky"));
        FlakyDaemon running = lastDaemon();

        Thread thread = running.context.threads().newThread(() -> {
            throw new IllegalStateException("source died");
        });
        thread.start();
        thread.join();
        assertThat(status().state()).as("nothing changes until the loop runs").isEqualTo(DaemonState.RUNNING);

        loop.drain();

        assertThat(status().state()).isEqualTo(DaemonState.BACKING_OFF);
        assertThat(status().lastError()).contains("source died (IllegalStateException)");
    }

    @Test
    void aTaskThatThrowsOnTheDaemonsSchedulerFailsTheDaemon() throws Exception {
        supervisor.add(spec("flaky"));
        FlakyDaemon running = lastDaemon();

        running.context.scheduler().execute(() -> {
            throw new IllegalArgumentException("bad rule");
        });
        RecordingDaemonContext.awaitTrue("the failure to reach the loop", Duration.ofSeconds(10), () -> !loop.queued.isEmpty());
        loop.drain();

        assertThat(status().lastError()).contains("bad rule (IllegalArgumentException)");
    }

    @Test
    void writesFromAStoppedDaemonsLeftoverThreadsAreIgnored() {
        supervisor.add(spec("flaky"));
        FlakyDaemon old = lastDaemon();
        old.context.fail(new IllegalStateException("gone"));
        loop.drain();

        old.context.setCondition("TestProblem", ConditionStatus.FALSE, "LateWrite", "from a thread that outlived its daemon");

        assertThat(condition().condition().status()).isEqualTo(ConditionStatus.UNKNOWN);
    }

    @Test
    void aNameAlreadyRunningIsRefused() {
        supervisor.add(spec("flaky"));
        assertThat(supervisor.add(spec("flaky"))).hasValueSatisfying(why -> assertThat(why).contains("an instance of that name already runs"));
    }

    @Test
    void removingThePluginStopsItsDaemonsAndWithdrawsTheirConditions() {
        supervisor.add(spec("flaky"));

        supervisor.removePlugin("flaky-plugin");

        assertThat(reporter.book().snapshot().conditions()).isEmpty();
        assertThat(supervisor.statuses()).isEmpty();
    }

    /** The newest daemon object the factory made: the test's handle on its context. */
    private FlakyDaemon lastFlaky;

    @Test
    void aTickPublishesTheStatusesOnlyWhenItRestartsADaemon() {
        List<List<DaemonStatus>> published = new ArrayList<>();
        Supervisor watched = new Supervisor(reporter, clock, loop, settings, new SimpleMeterRegistry(), published::add, new InstanceNames(),
                HostServices.NONE);
        failures.set(1);
        watched.add(spec("flaky"));
        int afterAdd = published.size();
        assertThat(published.getLast().getFirst().state()).isEqualTo(DaemonState.BACKING_OFF);

        clock.advance(Duration.ofMillis(999));
        watched.tick(clock.instant());
        watched.tick(clock.instant());
        assertThat(published).as("ticks that restart nothing").hasSize(afterAdd);

        clock.advance(Duration.ofMillis(1));
        watched.tick(clock.instant());
        assertThat(published).hasSize(afterAdd + 1);
        assertThat(published.getLast().getFirst().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(published.getLast().getFirst().restarts()).isEqualTo(1);

        clock.advance(settings.stableAfter());
        watched.tick(clock.instant());
        assertThat(published).as("forgiving a stable run changes no status").hasSize(afterAdd + 1);
    }

    @Test
    void aDaemonsGaugeIsScrapedWhileThatStartRunsAndGoneAfterItFails() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Supervisor measured = new Supervisor(reporter, clock, loop, settings, registry, statuses -> {
        }, new InstanceNames(), HostServices.NONE);
        measured.add(spec("flaky"));
        DoubleConsumer up = lastDaemon().context.gauge("source_up", Map.of("source", "kmsg"));
        assertThat(registry.get("nodemedic_source_up").tags("daemon", "flaky", "source", "kmsg").gauge().value()).isZero();

        up.accept(1);
        assertThat(registry.get("nodemedic_source_up").tags("daemon", "flaky", "source", "kmsg").gauge().value()).isEqualTo(1);
        lastDaemon().context.gauge("source_up", Map.of("source", "kmsg")).accept(2);
        assertThat(registry.get("nodemedic_source_up").tags("daemon", "flaky", "source", "kmsg").gauge().value()).as("asked again: the same gauge").isEqualTo(2);

        lastDaemon().context.fail(new IllegalStateException("lost the device"));
        loop.drain();
        assertThat(registry.find("nodemedic_source_up").gauge()).as("a failed start's value is not scraped").isNull();
        up.accept(1);

        clock.advance(Duration.ofSeconds(1));
        measured.tick(clock.instant());
        lastDaemon().context.gauge("source_up", Map.of("source", "kmsg"));
        assertThat(registry.get("nodemedic_source_up").tags("daemon", "flaky", "source", "kmsg").gauge().value())
                .as("the next start's gauge, not the dead one's").isZero();
    }

    @Test
    void aGaugeWithABadNameIsRefusedAtOnce() {
        supervisor.add(spec("flaky"));
        assertThatThrownBy(() -> lastDaemon().context.gauge("Source-Up", Map.of()))
                .hasMessageContaining("gauge name \"Source-Up\" must be lower_snake_case");
    }

    @Test
    void aReplacedSpecRunsAFreshDaemonWhileTheBookKeepsTheTypesThatRemainWithTheirTransitionTime() {
        supervisor.add(spec("flaky"));
        Instant raised = condition().condition().lastTransitionTime();
        ConditionDeclaration added = new ConditionDeclaration("TestSkew", "TestInSync", "in sync");
        clock.advance(Duration.ofMinutes(3));

        assertThat(supervisor.replace(spec("flaky", List.of(PROBLEM, added)))).isEmpty();

        assertThat(starts).hasValue(2);
        assertThat(status().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(status().restarts()).as("a reload is no failure").isZero();
        assertThat(condition().condition().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(condition().condition().lastTransitionTime()).isEqualTo(raised);
        assertThat(reporter.book().snapshot().get("TestSkew").orElseThrow().condition().reason()).isEqualTo("TestInSync");

        assertThat(supervisor.replace(spec("flaky", List.of(added)))).isEmpty();

        assertThat(reporter.book().snapshot().get("TestProblem")).as("withdrawn: the new config no longer declares it").isEmpty();
    }

    @Test
    void aReplacementDeclaringAnotherDaemonsTypeIsRefusedAndTheRunningDaemonIsLeftAlone() {
        ConditionDeclaration others = new ConditionDeclaration("OtherProblem", "OtherIsFine", "fine");
        supervisor.add(spec("flaky"));
        FlakyDaemon running = lastFlaky;
        supervisor.add(spec("other", List.of(others)));

        assertThat(supervisor.replace(spec("flaky", List.of(PROBLEM, others))))
                .hasValue("daemon instance flaky keeps running on its previous config: condition type OtherProblem is already owned by daemon other");

        assertThat(starts).hasValue(2);
        assertThat(running.stopped).isFalse();
        assertThat(reporter.book().snapshot().get("OtherProblem").orElseThrow().owner()).isEqualTo("other");
        assertThat(condition().condition().status()).isEqualTo(ConditionStatus.TRUE);
    }

    private FlakyDaemon lastDaemon() {
        return lastFlaky;
    }

    DaemonSpec spec(String name) {
        return spec(name, List.of(PROBLEM));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    DaemonSpec spec(String name, List<ConditionDeclaration> conditions) {
        return new DaemonSpec(name, "flaky", "flaky-plugin", "1.0.0", () -> {
            lastFlaky = new FlakyDaemon(failures, starts);
            return (ProblemDaemon) lastFlaky;
        }, new NoConfig(), Optional.empty(), conditions, List.of());
    }
}
