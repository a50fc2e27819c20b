package dev.nodemedic.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.NoConfig;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the planner settles before an instance starts: here, the reasons it declares for NPD's series. */
class InstancePlannerTest {
    @TempDir
    Path root;

    private PluginHost host;

    @AfterEach
    void close() {
        if (host != null) {
            host.close();
        }
    }

    /** A daemon that declares GpuFailure and the given reasons. */
    public abstract static class GpuDaemon implements ProblemDaemon<NoConfig> {
        public String name() {
            return "gpu-health";
        }

        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        public List<ConditionDeclaration> conditions(NoConfig config) {
            return List.of(new ConditionDeclaration("GpuFailure", "GpuIsHealthy", "all GPUs respond"));
        }

        public void start(DaemonContext<NoConfig> context) {
        }

        public void stop() {
        }
    }

    public static final class DeclaresItsOwn extends GpuDaemon {
        @Override
        public List<ReasonDeclaration> reasons(NoConfig config) {
            return List.of(ReasonDeclaration.event("XidError"), ReasonDeclaration.condition("GpuFailure", "GpuFellOff"));
        }
    }

    public static final class ClaimsAnothersCondition extends GpuDaemon {
        @Override
        public List<ReasonDeclaration> reasons(NoConfig config) {
            return List.of(ReasonDeclaration.condition("KernelDeadlock", "DockerHung"));
        }
    }

    /** Counts its constructions: a daemon's constructor may be costly or do something, so planning must not add one. */
    public static final class Counted extends GpuDaemon {
        static final AtomicInteger MADE = new AtomicInteger();

        public Counted() {
            MADE.incrementAndGet();
        }
    }

    private InstancePlanner planner(List<DaemonInstanceConfig> daemons) {
        host = new PluginHost(root.resolve("plugins"), JarTrust.ofThisProcess(JarTrust.Enforcement.REFUSE, Set.of()));
        AgentConfig config = new AgentConfig("node-a", root.resolve("plugins"), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null, daemons, null,
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        return new InstancePlanner(host, new ConfigBinder(), config);
    }

    private static LoadOutcome.Loaded plugin(Class<?> daemon) {
        return new LoadOutcome.Loaded(Path.of("plugins/gpu-health.jar"), "gpu-health", "1.4.0", List.of(daemon), List.of(), Optional.empty());
    }

    private List<InstancePlanner.Planned> plan(Class<?> daemon) {
        return planner(List.of()).plan(plugin(daemon));
    }

    @Test
    void eachInstanceIsMadeOnceForItsFirstStartPlanningIncluded() {
        Counted.MADE.set(0);
        InstancePlanner planner = planner(List.of(new DaemonInstanceConfig("gpu-health", "gpu-a", null, true),
                new DaemonInstanceConfig("gpu-health", "gpu-off", null, false), new DaemonInstanceConfig("gpu-health", "gpu-b", null, true)));

        // As the reconciler does with a new jar: make, ask whether the agent config lists it, plan, start each.
        InstancePlanner.Made made = planner.make(plugin(Counted.class));
        assertThat(planner.listsADaemonOf(made)).isTrue();
        List<DaemonSpec> ready = planner.plan(made).stream().filter(InstancePlanner.Planned.Ready.class::isInstance)
                .map(p -> ((InstancePlanner.Planned.Ready) p).spec()).toList();
        List<ProblemDaemon<Object>> started = ready.stream().map(spec -> spec.factory().get()).toList();

        assertThat(ready).extracting(DaemonSpec::instanceName).containsExactly("gpu-a", "gpu-b");
        assertThat(Counted.MADE).hasValue(2);
        assertThat(started.get(0)).isSameAs(made.probes().getFirst().daemon());
        assertThat(started.get(1)).isNotSameAs(started.get(0));

        // A restart gets a new object: a failed one is never started again.
        assertThat(ready.get(0).factory().get()).isNotSameAs(started.get(0));
        assertThat(Counted.MADE).hasValue(3);
    }

    @Test
    void theDeclaredReasonsGoWithTheInstance() {
        List<InstancePlanner.Planned> planned = plan(DeclaresItsOwn.class);

        assertThat(planned).singleElement().isInstanceOfSatisfying(InstancePlanner.Planned.Ready.class, ready -> assertThat(ready.spec().reasons())
                .containsExactly(ReasonDeclaration.event("XidError"), ReasonDeclaration.condition("GpuFailure", "GpuFellOff")));
    }

    @Test
    void aReasonForAConditionTheDaemonDoesNotOwnRefusesTheInstance() {
        List<InstancePlanner.Planned> planned = plan(ClaimsAnothersCondition.class);

        assertThat(planned).singleElement().isInstanceOfSatisfying(InstancePlanner.Planned.Refused.class, refused -> assertThat(refused.why())
                .isEqualTo("daemon instance gpu-health is not started: its reasons() declare DockerHung for condition type KernelDeadlock, which its"
                        + " conditions() do not declare (declared: [GpuFailure]); the other daemons run"));
    }
}
