package dev.nodemedic.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.NoConfig;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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

    private List<InstancePlanner.Planned> plan(Class<?> daemon) {
        host = new PluginHost(root.resolve("plugins"), JarTrust.ofThisProcess(JarTrust.Enforcement.REFUSE, Set.of()));
        AgentConfig config = new AgentConfig("node-a", root.resolve("plugins"), root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null, List.of(), null,
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        LoadOutcome.Loaded loaded = new LoadOutcome.Loaded(root.resolve("plugins/gpu-health.jar"), "gpu-health", "1.4.0", List.of(daemon), List.of());
        return new InstancePlanner(host, new ConfigBinder(), config).plan(loaded);
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
