package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemons.systemd.StandInSystemctl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FrequentKubeletRestart against systemd-units' stand-in systemctl: which unit is asked, and the
 * condition, reasons and messages this daemon makes of the answers. How the counter is read and
 * windowed is systemd-units' and tested there.
 */
class FrequentKubeletRestartTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final KubeletHealthDaemon daemon = new KubeletHealthDaemon();
    private RecordingDaemonContext<KubeletHealthConfig> context;
    private StandInSystemctl systemctl;

    @BeforeEach
    void standIn() throws IOException {
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

    private void open(Path systemctlPath) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KubeletHealthConfig config = new KubeletHealthConfig(URI.create("http://127.0.0.1:" + port + "/healthz"), Duration.ofSeconds(1),
                Duration.ofMinutes(5), null, Optional.of(dir.resolve("kubelet.pem")), null, "kubelet.service", systemctlPath, null, null, null, null);
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    private Condition restarts() {
        return context.condition("FrequentKubeletRestart");
    }

    @Test
    void fiveRestartsWithinTwentyMinutesAreFrequentAndAgeOut() throws Exception {
        open(systemctl.path());
        // Restarts from before the agent started are history, not frequent restarts.
        systemctl.shows(40);
        daemon.check(clock.instant());
        assertThat(restarts().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(restarts().reason()).isEqualTo("NoFrequentKubeletRestart");
        assertThat(systemctl.lastArguments()).isEqualTo("show kubelet.service --property=LoadState,NRestarts");

        clock.advance(Duration.ofMinutes(5));
        systemctl.shows(42);
        daemon.check(clock.instant());
        clock.advance(Duration.ofMinutes(5));
        systemctl.shows(44);
        daemon.check(clock.instant());
        assertThat(restarts().status()).as("four restarts").isEqualTo(ConditionStatus.FALSE);

        clock.advance(Duration.ofMinutes(5));
        systemctl.shows(45);
        daemon.check(clock.instant());
        assertThat(restarts().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(restarts().reason()).isEqualTo("FrequentKubeletRestart");
        assertThat(restarts().message()).isEqualTo("systemd restarted kubelet.service 5 times within 20m (threshold 5)");

        // Twenty minutes after the last restart the window holds none.
        clock.advance(Duration.ofMinutes(20));
        daemon.check(clock.instant());
        assertThat(restarts().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aHostWithoutTheUnitIsUnknown() throws Exception {
        open(systemctl.path());
        systemctl.shows("NRestarts=0\nLoadState=not-found\n");

        daemon.check(clock.instant());

        assertThat(restarts().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts().reason()).isEqualTo("KubeletRestartsUnknown");
        assertThat(restarts().message()).isEqualTo("kubelet restarts cannot be counted: systemd has no unit kubelet.service on this host");
    }

    @Test
    void theConfiguredTimeoutBoundsSystemctl() throws Exception {
        open(StandInSystemctl.running(dir, "exec sleep 60").path());

        daemon.check(clock.instant());

        assertThat(restarts().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts().message()).endsWith("did not finish within 1s");
    }
}
