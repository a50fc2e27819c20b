package dev.nodemedic.daemons.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemons.systemd.UnitRestarts.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UnitRestarts against a stand-in systemctl: a real shell script run as a process, as the host's would be. */
class UnitRestartsTest {
    @TempDir
    Path dir;

    private Reading read(Path systemctl, String unit) throws InterruptedException {
        return new UnitRestarts(systemctl, unit, Duration.ofSeconds(5)).read();
    }

    @Test
    void asksForTheUnitsLoadStateAndRestartCounter() throws Exception {
        StandInSystemctl systemctl = StandInSystemctl.answering(dir);
        systemctl.shows(7);

        assertThat(read(systemctl.path(), "kubelet.service")).isEqualTo(new Reading.Count(7));
        assertThat(systemctl.lastArguments()).isEqualTo("show kubelet.service --property=LoadState,NRestarts");
    }

    @Test
    void readsTheCounterWhateverTheOrderAndSpacing() throws Exception {
        StandInSystemctl systemctl = StandInSystemctl.answering(dir);
        systemctl.shows("LoadState=loaded\r\nNRestarts= 12 \r\n");

        assertThat(read(systemctl.path(), "containerd")).isEqualTo(new Reading.Count(12));
    }

    @Test
    void aHostWithoutTheUnitHasNoCount() throws Exception {
        StandInSystemctl systemctl = StandInSystemctl.answering(dir);
        // systemd answers 0 for a unit it does not know: LoadState tells.
        systemctl.shows("NRestarts=0\nLoadState=not-found\n");

        assertThat(read(systemctl.path(), "crio")).isEqualTo(new Reading.Unavailable("systemd has no unit crio on this host"));
    }

    @Test
    void aSystemdOlderThan235SaysWhyThereIsNoCount() throws Exception {
        StandInSystemctl systemctl = StandInSystemctl.answering(dir);
        systemctl.shows("NRestarts=\nLoadState=loaded\n");

        assertThat(read(systemctl.path(), "kubelet")).isEqualTo(
                new Reading.Unavailable("systemd gave no restart count for kubelet (NRestarts=\"\"; it needs systemd 235 or newer)"));
    }

    @Test
    void aSystemctlThatCannotReachSystemdIsUnavailableWithItsLastWords() throws Exception {
        // What systemctl says in a container without the host's /run/systemd.
        Path systemctl = StandInSystemctl.running(dir, "echo 'System has not been booted with systemd as init system (PID 1). Can'\"'\"'t operate.' >&2\n"
                + "echo 'Failed to connect to bus: Host is down' >&2\nexit 1").path();

        assertThat(read(systemctl, "kubelet.service")).isEqualTo(
                new Reading.Unavailable(systemctl + " show kubelet.service exited 1: Failed to connect to bus: Host is down"));
    }

    @Test
    void aSilentFailureSaysThereWasNoOutput() throws Exception {
        Path systemctl = StandInSystemctl.running(dir, "exit 4").path();

        assertThat(read(systemctl, "kubelet")).isEqualTo(new Reading.Unavailable(systemctl + " show kubelet exited 4: no output"));
    }

    @Test
    void noSystemctlSaysWhatToMount() throws Exception {
        Path missing = dir.resolve("no-systemctl");

        assertThat(read(missing, "kubelet")).isEqualTo(
                new Reading.Unavailable(missing + " is not there to ask systemd (mount it and the host's /run/systemd into the agent)"));
    }

    @Test
    void aSystemctlThatCannotBeStartedSaysWhy() throws Exception {
        // A directory is "executable" to Files.isExecutable, but exec refuses it.
        Path directory = Files.createDirectory(dir.resolve("systemctl"));

        assertThat(read(directory, "kubelet")).isInstanceOfSatisfying(Reading.Unavailable.class,
                unavailable -> assertThat(unavailable.why()).startsWith(directory + " could not be run: "));
    }

    @Test
    void aHungSystemctlIsKilledAtTheTimeout() throws Exception {
        Path systemctl = StandInSystemctl.running(dir, "exec sleep 60").path();
        long started = System.nanoTime();

        Reading reading = new UnitRestarts(systemctl, "kubelet", Duration.ofMillis(1500)).read();

        // Bounded well below the script's 60 s, however slow the machine: the read did not wait it out.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(reading).isEqualTo(new Reading.Unavailable(systemctl + " show kubelet did not finish within 1.5s"));
    }

    @Test
    void aBlankUnitOrANonPositiveTimeoutIsRefused() {
        assertThatThrownBy(() -> new UnitRestarts(dir.resolve("systemctl"), " ", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name a systemd unit");
        assertThatThrownBy(() -> new UnitRestarts(dir.resolve("systemctl"), "kubelet", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the timeout for systemctl show kubelet is PT0S; it must be positive");
    }
}
