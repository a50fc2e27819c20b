package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FrequentKubeletRestart against a stand-in systemctl: a real shell script that records how it was
 * called and prints what the test last wrote, as {@code systemctl show} would.
 */
class FrequentKubeletRestartTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final KubeletHealthDaemon daemon = new KubeletHealthDaemon();
    private RecordingDaemonContext<KubeletHealthConfig> context;

    @AfterEach
    void stop() {
        daemon.stop();
        if (context != null) {
            context.close();
        }
    }

    private Path systemctl(String script) throws IOException {
        Path path = dir.resolve("systemctl");
        Files.writeString(path, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    /** A systemctl that prints the file {@code show} and logs its arguments to {@code args}. */
    private Path answeringSystemctl() throws IOException {
        return systemctl("echo \"$@\" > '" + dir.resolve("args") + "'\ncat '" + dir.resolve("show") + "'");
    }

    private void unitShows(long restarts) throws IOException {
        Files.writeString(dir.resolve("show"), "NRestarts=" + restarts + "\nLoadState=loaded\n");
    }

    private void open(Path systemctl) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KubeletHealthConfig config = new KubeletHealthConfig(URI.create("http://127.0.0.1:" + port + "/healthz"), Duration.ofSeconds(1),
                Duration.ofMinutes(5), null, dir.resolve("kubelet.pem"), null, "kubelet.service", systemctl, null, null, null, null);
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    private Condition restarts() {
        return context.condition("FrequentKubeletRestart");
    }

    @Test
    void fiveRestartsWithinTwentyMinutesAreFrequentAndAgeOut() throws Exception {
        open(answeringSystemctl());
        // Restarts from before the agent started are history, not frequent restarts.
        unitShows(40);
        daemon.check(clock.instant());
        assertThat(restarts().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(restarts().reason()).isEqualTo("NoFrequentKubeletRestart");
        assertThat(Files.readString(dir.resolve("args")).strip()).isEqualTo("show kubelet.service --property=LoadState,NRestarts");

        clock.advance(Duration.ofMinutes(5));
        unitShows(42);
        daemon.check(clock.instant());
        clock.advance(Duration.ofMinutes(5));
        unitShows(44);
        daemon.check(clock.instant());
        assertThat(restarts().status()).as("four restarts").isEqualTo(ConditionStatus.FALSE);

        clock.advance(Duration.ofMinutes(5));
        unitShows(45);
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
    void aCounterThatWentDownStartsOverInsteadOfCountingBackwards() throws Exception {
        open(answeringSystemctl());
        unitShows(3);
        daemon.check(clock.instant());
        clock.advance(Duration.ofMinutes(5));
        unitShows(0);
        daemon.check(clock.instant());
        clock.advance(Duration.ofMinutes(5));
        unitShows(2);

        daemon.check(clock.instant());

        assertThat(restarts().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aHostWithoutTheUnitIsUnknown() throws Exception {
        open(answeringSystemctl());
        Files.writeString(dir.resolve("show"), "NRestarts=0\nLoadState=not-found\n");

        daemon.check(clock.instant());

        assertThat(restarts().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts().message()).isEqualTo("kubelet restarts cannot be counted: systemd has no unit kubelet.service on this host");
    }

    @Test
    void aSystemctlThatCannotReachSystemdIsUnknownWithItsWords() throws Exception {
        // What systemctl says in a container without the host's /run/systemd.
        Path systemctl = systemctl("echo 'System has not been booted with systemd as init system (PID 1). Can'\"'\"'t operate.' >&2\n"
                + "echo 'Failed to connect to bus: Host is down' >&2\nexit 1");
        open(systemctl);

        daemon.check(clock.instant());

        assertThat(restarts().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts().reason()).isEqualTo("KubeletRestartsUnknown");
        assertThat(restarts().message()).isEqualTo("kubelet restarts cannot be counted: " + systemctl
                + " show kubelet.service exited 1: Failed to connect to bus: Host is down");
    }

    @Test
    void noSystemctlIsUnknown() throws Exception {
        Path missing = dir.resolve("no-systemctl");
        open(missing);

        daemon.check(clock.instant());

        assertThat(restarts().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts().message()).startsWith("kubelet restarts cannot be counted: " + missing + " is not there to ask systemd");
    }

    @Test
    void aHungSystemctlIsUnknownAfterTheTimeout() throws Exception {
        open(systemctl("exec sleep 60"));
        long started = System.nanoTime();

        daemon.check(clock.instant());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(restarts().message()).endsWith("did not finish within 1s");
    }
}
