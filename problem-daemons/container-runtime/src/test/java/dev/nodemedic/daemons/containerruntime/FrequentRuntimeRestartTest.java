package dev.nodemedic.daemons.containerruntime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FrequentContainerdRestart (and CRI-O's) against a stand-in systemctl: a real shell script that
 * records how it was called and prints what the test last wrote, as {@code systemctl show} would.
 * Time is a ManualClock the test steps.
 */
class FrequentRuntimeRestartTest {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final ContainerRuntimeDaemon daemon = new ContainerRuntimeDaemon();
    private RecordingDaemonContext<ContainerRuntimeConfig> context;

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

    private ContainerRuntimeConfig config(Path socket, Path systemctl) {
        return new ContainerRuntimeConfig(List.of(URI.create("unix://" + socket)), null, null, systemctl, null, null, null);
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
        open(config(dir.resolve("containerd.sock"), answeringSystemctl()));
        // Restarts from before the agent started are history, not frequent restarts.
        unitShows(40);
        daemon.checkRestarts(clock.instant());
        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(restarts("FrequentContainerdRestart").reason()).isEqualTo("NoFrequentContainerdRestart");
        assertThat(restarts("FrequentContainerdRestart").message()).isEqualTo("containerd is functioning properly");
        assertThat(Files.readString(dir.resolve("args")).strip()).isEqualTo("show containerd --property=LoadState,NRestarts");

        clock.advance(Duration.ofMinutes(5));
        unitShows(42);
        daemon.checkRestarts(clock.instant());
        clock.advance(Duration.ofMinutes(5));
        unitShows(44);
        daemon.checkRestarts(clock.instant());
        assertThat(restarts("FrequentContainerdRestart").status()).as("four restarts").isEqualTo(ConditionStatus.FALSE);

        clock.advance(Duration.ofMinutes(5));
        unitShows(45);
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
    void restartsSpreadWiderThanTheWindowAreNotFrequent() throws Exception {
        open(config(dir.resolve("containerd.sock"), answeringSystemctl()));
        unitShows(0);
        daemon.checkRestarts(clock.instant());
        for (int restart = 1; restart <= 10; restart++) {
            clock.advance(Duration.ofMinutes(6));
            unitShows(restart);
            daemon.checkRestarts(clock.instant());
            assertThat(restarts("FrequentContainerdRestart").status()).as("after restart %d, one every 6 minutes", restart).isEqualTo(ConditionStatus.FALSE);
        }
    }

    @Test
    void crioRestartsAreCountedOnItsOwnUnitAndCondition() throws Exception {
        Path socket = dir.resolve("crio.sock");
        // A socket file is enough for the daemon to tell which runtime the node has.
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.bind(UnixDomainSocketAddress.of(socket));
        }
        ContainerRuntimeConfig config = new ContainerRuntimeConfig(
                List.of(URI.create("unix://" + dir.resolve("containerd.sock")), URI.create("unix://" + socket)), null, null, answeringSystemctl(), 2, null, null);
        assertThat(daemon.conditions(config)).extracting(ConditionDeclaration::type).containsExactly("ContainerRuntimeUnhealthy", "FrequentCrioRestart");
        open(config);

        unitShows(0);
        daemon.checkRestarts(clock.instant());
        clock.advance(Duration.ofMinutes(1));
        unitShows(2);
        daemon.checkRestarts(clock.instant());

        assertThat(Files.readString(dir.resolve("args")).strip()).isEqualTo("show crio --property=LoadState,NRestarts");
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
        open(config(dir.resolve("containerd.sock"), answeringSystemctl()));
        Files.writeString(dir.resolve("show"), "NRestarts=0\nLoadState=not-found\n");

        daemon.checkRestarts(clock.instant());

        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts("FrequentContainerdRestart").reason()).isEqualTo("ContainerRuntimeRestartsUnknown");
        assertThat(restarts("FrequentContainerdRestart").message()).isEqualTo("containerd restarts cannot be counted: systemd has no unit containerd on this host");
    }

    @Test
    void aSystemctlThatCannotReachSystemdIsUnknownWithItsWords() throws Exception {
        Path systemctl = systemctl("echo 'Failed to connect to bus: Host is down' >&2\nexit 1");
        open(config(dir.resolve("containerd.sock"), systemctl));

        daemon.checkRestarts(clock.instant());

        assertThat(restarts("FrequentContainerdRestart").status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(restarts("FrequentContainerdRestart").message()).isEqualTo("containerd restarts cannot be counted: " + systemctl
                + " show containerd exited 1: Failed to connect to bus: Host is down");
    }

    @Test
    void aHungSystemctlIsUnknownAfterTheTimeout() throws Exception {
        Path systemctl = systemctl("exec sleep 60");
        open(new ContainerRuntimeConfig(List.of(URI.create("unix://" + dir.resolve("containerd.sock"))), Duration.ofSeconds(2), Duration.ofSeconds(1),
                systemctl, null, null, null));

        daemon.checkRestarts(clock.instant());

        assertThat(restarts("FrequentContainerdRestart").message()).endsWith("did not finish within 1s");
    }
}
