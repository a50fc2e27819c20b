package dev.nodemedic.daemons.containerruntime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemons.systemd.StandInSystemctl;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FrequentContainerdRestart (and CRI-O's) against systemd-units' stand-in systemctl: which unit is asked,
 * and the conditions, reasons and messages this daemon makes of the answers. How the counter is read and
 * windowed is systemd-units' and tested there. Time is a ManualClock the test steps.
 */
class FrequentRuntimeRestartTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final ContainerRuntimeDaemon daemon = new ContainerRuntimeDaemon();
    private RecordingDaemonContext<ContainerRuntimeConfig> context;
    private StandInSystemctl systemctl;

    @BeforeEach
    void standIn() throws Exception {
        systemctl = StandInSystemctl.answering(dir);
    }

    @AfterEach
    void stop() {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
    }

    private ContainerRuntimeConfig config(Path socket, Path systemctlPath) {
        return new ContainerRuntimeConfig(List.of(URI.create("unix://" + socket)), null, null, systemctlPath, null, null, null);
    }

    private void open(ContainerRuntimeConfig config) {
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    private Condition restarts(String type) {
        return context.condition(type);
    }

    @Test
    void fiveContainerdRestartsWithinTwentyMinutesAreFrequentAndAgeOut() throws Exception {
        open(config(dir.resolve("containerd.sock"), systemctl.path()));
        // Restarts from before the agent started are history, not frequent restarts.
        systemctl.shows(40);
        daemon.checkRestarts(clock.instant());
        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(restarts("FrequentContainerdRestart").reason()).isEqualTo("NoFrequentContainerdRestart");
        assertThat(restarts("FrequentContainerdRestart").message()).isEqualTo("containerd is functioning properly");
        assertThat(systemctl.lastArguments()).isEqualTo("show containerd --property=LoadState,NRestarts");

        clock.advance(Duration.ofMinutes(5));
        systemctl.shows(42);
        daemon.checkRestarts(clock.instant());
        clock.advance(Duration.ofMinutes(5));
        systemctl.shows(44);
        daemon.checkRestarts(clock.instant());
        assertThat(restarts("FrequentContainerdRestart").status()).as("four restarts").isEqualTo(ConditionStatus.FALSE);

        clock.advance(Duration.ofMinutes(5));
        systemctl.shows(45);
        daemon.checkRestarts(clock.instant());
        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(restarts("FrequentContainerdRestart").reason()).isEqualTo("FrequentContainerdRestart");
        assertThat(restarts("FrequentContainerdRestart").message()).isEqualTo("systemd restarted containerd 5 times within 20m (threshold 5)");

        // Once the window has passed the last restart, it holds none: back under the threshold.
        clock.advance(Duration.ofMinutes(20));
        daemon.checkRestarts(clock.instant());
        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void crioRestartsAreCountedOnItsOwnUnitAndCondition() throws Exception {
        Path socket = dir.resolve("crio.sock");
        // A socket file is enough for the daemon to tell which runtime the node has.
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.bind(UnixDomainSocketAddress.of(socket));
        }
        ContainerRuntimeConfig config = new ContainerRuntimeConfig(
                List.of(URI.create("unix://" + dir.resolve("containerd.sock")), URI.create("unix://" + socket)), null, null, systemctl.path(), 2, null, null);
        assertThat(daemon.conditions(config)).extracting(ConditionDeclaration::type).containsExactly("ContainerRuntimeUnhealthy", "FrequentCrioRestart");
        open(config);

        systemctl.shows(0);
        daemon.checkRestarts(clock.instant());
        clock.advance(Duration.ofMinutes(1));
        systemctl.shows(2);
        daemon.checkRestarts(clock.instant());

        assertThat(systemctl.lastArguments()).isEqualTo("show crio --property=LoadState,NRestarts");
        assertThat(restarts("FrequentCrioRestart").status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(restarts("FrequentCrioRestart").message()).isEqualTo("systemd restarted crio 2 times within 20m (threshold 2)");
    }

    @Test
    void aSocketOfNoKnownRuntimeDeclaresNoRestartCondition() {
        ContainerRuntimeConfig config = config(dir.resolve("my-runtime.sock"), dir.resolve("systemctl"));

        assertThat(daemon.conditions(config)).extracting(ConditionDeclaration::type).containsExactly("ContainerRuntimeUnhealthy");
    }

    @Test
    void aHostWithoutTheUnitIsUnknown() throws Exception {
        open(config(dir.resolve("containerd.sock"), systemctl.path()));
        systemctl.shows("NRestarts=0\nLoadState=not-found\n");

        daemon.checkRestarts(clock.instant());

        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts("FrequentContainerdRestart").reason()).isEqualTo("ContainerRuntimeRestartsUnknown");
        assertThat(restarts("FrequentContainerdRestart").message()).isEqualTo("containerd restarts cannot be counted: systemd has no unit containerd on this host");
    }

    @Test
    void theConfiguredTimeoutBoundsSystemctl() throws Exception {
        StandInSystemctl hung = StandInSystemctl.running(dir, "exec sleep 60");
        open(new ContainerRuntimeConfig(List.of(URI.create("unix://" + dir.resolve("containerd.sock"))), Duration.ofSeconds(2), Duration.ofSeconds(1),
                hung.path(), null, null, null));

        daemon.checkRestarts(clock.instant());

        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts("FrequentContainerdRestart").message()).endsWith("did not finish within 1s");
    }
}
