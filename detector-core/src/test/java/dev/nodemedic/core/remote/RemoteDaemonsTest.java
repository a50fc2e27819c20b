package dev.nodemedic.core.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.AgentConfig.ReportConfig;
import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.core.supervision.HostServices;
import dev.nodemedic.core.supervision.InstanceNames;
import dev.nodemedic.core.supervision.Supervisor;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.NoConfig;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.reporter.OwnedCondition;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.FileSystems;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Remote daemons held to their lease, with the clock stepped by hand. */
class RemoteDaemonsTest {
    final ManualClock clock = new ManualClock();
    final Reporter reporter = new Reporter(List.of(), new RecentEvents(10));
    final InstanceNames names = new InstanceNames();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicReference<List<DaemonStatus>> published = new AtomicReference<>(List.of());
    /** Every request of these tests comes from one client, as from one sidecar. */
    static final Peer SIDECAR = Peer.UNKNOWN;
    final RemoteDaemons daemons = new RemoteDaemons(reporter, clock, names, new ReportConfig(null, null, null, 3, 10, 20), registry, published::set);

    static String gpu(int leaseSeconds) {
        return "{\"leaseSeconds\":" + leaseSeconds + ",\"conditions\":[{\"type\":\"GpuFailure\",\"reason\":\"GpuIsHealthy\",\"message\":\"all GPUs respond\"}]}";
    }

    OwnedCondition gpuFailure() {
        return reporter.book().snapshot().get("GpuFailure").orElseThrow();
    }

    void setTrue() throws RequestRefused {
        daemons.setCondition("gpu-health", "GpuFailure", ConditionReport.from("GpuFailure", "{\"status\":\"True\",\"reason\":\"XidError\",\"message\":\"GPU 0 fell off the bus\"}"), SIDECAR);
    }

    @Test
    void aRegisteredDaemonOwnsItsTypesAtTheirHealthyDefaultAndReportsThem() throws Exception {
        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        assertThat(gpuFailure().owner()).isEqualTo("gpu-health");
        assertThat(gpuFailure().condition().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(gpuFailure().condition().reason()).isEqualTo("GpuIsHealthy");

        setTrue();
        assertThat(gpuFailure().condition().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(gpuFailure().condition().message()).isEqualTo("GPU 0 fell off the bus");
        assertThat(published.get()).singleElement().satisfies(s -> {
            assertThat(s.instanceName()).isEqualTo("gpu-health");
            assertThat(s.pluginId()).isEqualTo(RemoteDaemons.PLUGIN);
            assertThat(s.state()).isEqualTo(DaemonState.RUNNING);
        });
    }

    static Peer user(String uid) throws Exception {
        return new Peer(Optional.of(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(uid)));
    }

    static RequestRefused.Reason refusal(ThrowingCallable call) {
        return catchThrowableOfType(RequestRefused.class, call).reason();
    }

    @Test
    void aDaemonAnswersOnlyToTheClientThatRegisteredItEvenAfterItsLeaseLapsed() throws Exception {
        Peer owner = user("root");
        Peer other = user("65534");
        daemons.register(Registration.from("gpu-health", gpu(30)), owner);

        RequestRefused removed = catchThrowableOfType(RequestRefused.class, () -> daemons.unregister("gpu-health", other));
        assertThat(removed.reason()).isEqualTo(RequestRefused.Reason.Forbidden);
        assertThat(removed.field()).hasValue("name");
        assertThat(removed.getMessage()).startsWith("daemon gpu-health was registered by user root and this request comes from user ")
                .endsWith("; only the client that registered a daemon may unregister it — choose another name, or run this as the daemon's own user");
        assertThat(refusal(() -> daemons.register(Registration.from("gpu-health", "{\"conditions\":[]}"), other))).isEqualTo(RequestRefused.Reason.Forbidden);
        assertThat(refusal(() -> daemons.setCondition("gpu-health", "GpuFailure",
                ConditionReport.from("GpuFailure", "{\"status\":\"False\",\"reason\":\"Fine\"}"), other))).isEqualTo(RequestRefused.Reason.Forbidden);
        assertThat(refusal(() -> daemons.emit("gpu-health", EventReport.from("gpu-health", "{\"reason\":\"Fine\",\"message\":\"m\"}"), other)))
                .isEqualTo(RequestRefused.Reason.Forbidden);
        assertThat(refusal(() -> daemons.renew("gpu-health", other))).isEqualTo(RequestRefused.Reason.Forbidden);
        assertThat(gpuFailure().owner()).isEqualTo("gpu-health");

        // Silent past its lease: its conditions are Unknown, and still nobody else's to report healthy.
        clock.advance(Duration.ofSeconds(31));
        daemons.expire(clock.instant());
        assertThat(refusal(() -> daemons.register(Registration.from("gpu-health", gpu(30)), other))).isEqualTo(RequestRefused.Reason.Forbidden);
        assertThat(gpuFailure().condition().status()).isEqualTo(ConditionStatus.UNKNOWN);

        daemons.register(Registration.from("gpu-health", gpu(30)), owner);
        daemons.unregister("gpu-health", owner);
        assertThat(daemons.register(Registration.from("gpu-health", gpu(30)), other).registration().name())
                .as("once its owner let it go, the name is anyone's").isEqualTo("gpu-health");
    }

    @Test
    void aLapsedLeaseTurnsItsConditionsUnknownAsAFailedPluginsAndReportsAreRefusedUntilItRegistersAgain() throws Exception {
        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        setTrue();
        clock.advance(Duration.ofSeconds(29));
        daemons.expire(clock.instant());
        assertThat(gpuFailure().condition().status()).isEqualTo(ConditionStatus.TRUE);

        clock.advance(Duration.ofSeconds(1));
        daemons.expire(clock.instant());
        assertThat(gpuFailure().condition().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(gpuFailure().condition().reason()).isEqualTo(Supervisor.NOT_RUNNING);
        assertThat(gpuFailure().condition().message()).startsWith("gpu-health stopped: no report or lease renewal for 30s")
                .endsWith("its conditions return when it registers again");
        assertThat(published.get().getFirst().state()).isEqualTo(DaemonState.LEASE_EXPIRED);
        assertThatThrownBy(this::setTrue).isInstanceOfSatisfying(RequestRefused.class,
                e -> assertThat(e.reason()).isEqualTo(RequestRefused.Reason.Expired));
        assertThatThrownBy(() -> daemons.renew("gpu-health", SIDECAR)).isInstanceOf(RequestRefused.class);

        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        assertThat(gpuFailure().condition().status()).as("what it said before the lapse comes back, as for a restarted plugin")
                .isEqualTo(ConditionStatus.TRUE);
        assertThat(published.get().getFirst().restarts()).isEqualTo(1);
        assertThat(published.get().getFirst().state()).isEqualTo(DaemonState.RUNNING);
    }

    @Test
    void aLapseIsNoticedByTheNextReportEvenBeforeTheLoopRuns() throws Exception {
        daemons.register(Registration.from("gpu-health", gpu(5)), SIDECAR);
        clock.advance(Duration.ofSeconds(6));
        assertThatThrownBy(this::setTrue).isInstanceOfSatisfying(RequestRefused.class,
                e -> assertThat(e.reason()).isEqualTo(RequestRefused.Reason.Expired));
        assertThat(gpuFailure().condition().status()).isEqualTo(ConditionStatus.UNKNOWN);
    }

    @Test
    void reportsAndRenewalsExtendTheLease() throws Exception {
        daemons.register(Registration.from("gpu-health", gpu(10)), SIDECAR);
        clock.advance(Duration.ofSeconds(8));
        setTrue();
        clock.advance(Duration.ofSeconds(8));
        daemons.emit("gpu-health", EventReport.from("gpu-health", "{\"reason\":\"XidError\",\"message\":\"Xid 79\"}"), SIDECAR);
        clock.advance(Duration.ofSeconds(8));
        daemons.renew("gpu-health", SIDECAR);
        clock.advance(Duration.ofSeconds(9));
        daemons.expire(clock.instant());
        assertThat(gpuFailure().condition().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(reporter.recentEvents().newestFirst()).singleElement().satisfies(e -> {
            assertThat(e.event().source()).isEqualTo("gpu-health");
            assertThat(e.event().reason()).isEqualTo("XidError");
        });
    }

    @Test
    void unregisteringWithdrawsItsConditionsAndFreesItsName() throws Exception {
        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        daemons.unregister("gpu-health", SIDECAR);
        assertThat(reporter.book().snapshot().get("GpuFailure")).isEmpty();
        assertThat(published.get()).isEmpty();
        assertThat(names.claim("gpu-health", "someone else")).isEmpty();
        assertThatThrownBy(() -> daemons.unregister("gpu-health", SIDECAR)).isInstanceOfSatisfying(RequestRefused.class,
                e -> assertThat(e.reason()).isEqualTo(RequestRefused.Reason.NotFound));
    }

    @Test
    void aTypeOwnedByAnotherDaemonIsRefusedNamingTheFieldAndNothingChanges() throws Exception {
        reporter.book().declare("kernel-log", List.of(new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "")), clock.instant());
        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        String both = "{\"conditions\":[{\"type\":\"GpuFailure\",\"reason\":\"GpuIsHealthy\"},{\"type\":\"KernelDeadlock\",\"reason\":\"Mine\"}]}";
        assertThatThrownBy(() -> daemons.register(Registration.from("gpu-health", both), SIDECAR)).isInstanceOfSatisfying(RequestRefused.class, e -> {
            assertThat(e.reason()).isEqualTo(RequestRefused.Reason.Conflict);
            assertThat(e.field()).contains("conditions[1].type");
            assertThat(e.getMessage()).contains("KernelDeadlock is already owned by daemon kernel-log");
        });
        assertThat(reporter.book().snapshot().get("KernelDeadlock").orElseThrow().owner()).isEqualTo("kernel-log");
        assertThat(gpuFailure().owner()).isEqualTo("gpu-health");
    }

    @Test
    void remoteDaemonsAndPluginInstancesCannotShareAName() throws Exception {
        Supervisor supervisor = new Supervisor(reporter, clock, Runnable::run, new AgentConfig.SupervisionConfig(null, null, null, null, null),
                registry, statuses -> { }, names, HostServices.NONE);
        DaemonSpec plugin = idle("reboot-required", "reboot-required", List.of(new ConditionDeclaration("RebootRequired", "NoRebootRequired", "")));
        assertThat(supervisor.add(plugin)).isEmpty();
        assertThatThrownBy(() -> daemons.register(Registration.from("reboot-required", "{}"), SIDECAR)).isInstanceOfSatisfying(RequestRefused.class, e -> {
            assertThat(e.reason()).isEqualTo(RequestRefused.Reason.Conflict);
            assertThat(e.field()).contains("name");
            assertThat(e.getMessage()).contains("taken by the daemon instance of plugin reboot-required");
        });

        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        DaemonSpec clash = idle("gpu-health", "gpu-plugin", List.of());
        assertThat(supervisor.add(clash)).hasValueSatisfying(why -> assertThat(why).contains("the name is taken by a remote daemon"));
        assertThat(gpuFailure().owner()).isEqualTo("gpu-health");
    }

    @Test
    void aDaemonCannotSetATypeItDidNotDeclare() throws Exception {
        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        assertThatThrownBy(() -> daemons.setCondition("gpu-health", "KernelDeadlock", ConditionReport.from("KernelDeadlock", "{\"status\":\"True\",\"reason\":\"X\"}"), SIDECAR))
                .isInstanceOfSatisfying(RequestRefused.class, e -> {
                    assertThat(e.field()).contains("type");
                    assertThat(e.getMessage()).contains("it declared [GpuFailure]");
                });
    }

    @Test
    void theNumberOfRemoteDaemonsIsBounded() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            daemons.register(Registration.from(name, "{}"), SIDECAR);
        }
        assertThatThrownBy(() -> daemons.register(Registration.from("d", "{}"), SIDECAR)).isInstanceOfSatisfying(RequestRefused.class,
                e -> assertThat(e.getMessage()).contains("report.maxDaemons"));
        daemons.register(Registration.from("a", "{}"), SIDECAR);
    }

    @Test
    void eachDaemonHasItsOwnRateLimitRefilledWithTimeAndCountedInMetrics() throws Exception {
        daemons.register(Registration.from("gpu-health", gpu(30)), SIDECAR);
        daemons.register(Registration.from("other", "{}"), SIDECAR);
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            admitted += daemons.admit(Optional.of("gpu-health")).isEmpty() ? 1 : 0;
        }
        assertThat(admitted).as("the burst").isEqualTo(20);
        assertThat(daemons.admit(Optional.of("gpu-health"))).hasValueSatisfying(wait -> assertThat(wait).isEqualTo(Duration.ofMillis(100)));
        assertThat(registry.get("nodemedic_report_rate_limited").tag("daemon", "gpu-health").counter().count()).isEqualTo(31);
        assertThat(daemons.admit(Optional.of("other"))).as("another daemon's budget is its own").isEmpty();

        clock.advance(Duration.ofMillis(500));
        admitted = 0;
        for (int i = 0; i < 50; i++) {
            admitted += daemons.admit(Optional.of("gpu-health")).isEmpty() ? 1 : 0;
        }
        assertThat(admitted).as("10 per second for half a second").isEqualTo(5);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static DaemonSpec idle(String name, String plugin, List<ConditionDeclaration> conditions) {
        return new DaemonSpec(name, name, plugin, "1.0.0", () -> (ProblemDaemon) new Idle(), new NoConfig(), Optional.empty(), conditions, List.of());
    }

    /** A plugin daemon that does nothing, for the name test. */
    public static final class Idle implements ProblemDaemon<NoConfig> {
        @Override
        public String name() {
            return "idle";
        }

        @Override
        public Class<NoConfig> configType() {
            return NoConfig.class;
        }

        @Override
        public List<ConditionDeclaration> conditions(NoConfig config) {
            return List.of();
        }

        @Override
        public void start(DaemonContext<NoConfig> context) {
        }

        @Override
        public void stop() {
        }
    }
}
