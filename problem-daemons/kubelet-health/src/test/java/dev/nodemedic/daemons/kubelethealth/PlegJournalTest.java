package dev.nodemedic.daemons.kubelethealth;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PLEG trouble read from the journal through a stand-in journalctl: a real shell script, run as the
 * daemon's child process, that follows a file the test appends the kubelet's lines to.
 */
class PlegJournalTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String STALLED = "E0610 17:39:22.920969 1980 kubelet.go:2353] \"Skipping pod synchronization\" "
            + "err=\"PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s\"";

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final KubeletHealthDaemon daemon = new KubeletHealthDaemon();
    private RecordingDaemonContext<KubeletHealthConfig> context;

    @AfterEach
    void stop() {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
    }

    private Path journalctl(String script) throws IOException {
        Path path = dir.resolve("journalctl");
        Files.writeString(path, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    /** Records its arguments and pid, then becomes (exec) a tail of the kubelet's lines: the pid stays the child's. */
    private Path followingJournalctl() throws IOException {
        Files.writeString(dir.resolve("journal"), "");
        return journalctl("echo \"$@\" > '" + dir.resolve("args") + "'\necho $$ > '" + dir.resolve("pid") + "'\n"
                + "exec tail -n +1 -f '" + dir.resolve("journal") + "'");
    }

    private void kubeletLogs(String line) throws IOException {
        Files.writeString(dir.resolve("journal"), line + "\n", StandardOpenOption.APPEND);
    }

    private void follow(Path journalctl) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KubeletHealthConfig config = new KubeletHealthConfig(URI.create("http://127.0.0.1:" + port + "/healthz"), Duration.ofSeconds(1),
                Duration.ofMinutes(5), null, Optional.of(dir.resolve("kubelet.pem")), null, "kubelet.service", dir.resolve("no-systemctl"), null, null,
                new PlegConfig(null, journalctl, null, null, null), null);
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
        daemon.followKubeletLog();
    }

    private static String readIfThere(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Condition pleg() {
        return context.condition("PLEGUnhealthy");
    }

    private long linesRead() {
        return context.counted("kubelet_log_lines_read", Map.of("source", "journald"));
    }

    @Test
    void journalctlFollowsTheKubeletsUnitFromTheEnd() throws Exception {
        follow(followingJournalctl());

        awaitTrue("journalctl to start", WAIT, () -> Files.exists(dir.resolve("pid")));
        assertThat(Files.readString(dir.resolve("args")).strip()).isEqualTo("--unit=kubelet.service --follow --lines=0 --output=cat --no-pager");
    }

    @Test
    void stalledLinesBecomeEventsAndPersistingOnesTheCondition() throws Exception {
        follow(followingJournalctl());

        kubeletLogs("I0610 17:39:22.920920 1980 kubelet.go:2329] \"Starting kubelet main sync loop\"");
        kubeletLogs(STALLED);
        awaitTrue("the first PLEG event", WAIT, () -> context.events().size() == 1);
        assertThat(context.events().getFirst().reason()).isEqualTo("PLEGUnhealthy");
        assertThat(context.events().getFirst().message()).isEqualTo("PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s");
        assertThat(linesRead()).isEqualTo(2);
        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);

        for (int minute = 1; minute <= 3; minute++) {
            clock.advance(Duration.ofMinutes(1));
            kubeletLogs(STALLED);
            int events = minute + 1;
            awaitTrue(events + " PLEG events", WAIT, () -> context.events().size() == events);
        }
        assertThat(pleg().status()).isEqualTo(ConditionStatus.TRUE);

        clock.advance(Duration.ofMinutes(5));
        daemon.tickPleg(clock.instant());
        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aJournalctlThatExitsIsUnknownWithItsOwnWords() throws Exception {
        Path journalctl = journalctl("echo 'Failed to open journal: Permission denied' >&2\nexit 1");
        follow(journalctl);

        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> pleg().status() == ConditionStatus.UNKNOWN);
        assertThat(pleg().reason()).isEqualTo("KubeletLogUnavailable");
        assertThat(pleg().message()).isEqualTo("the kubelet's log cannot be read for PLEG trouble: " + journalctl
                + " exited with status 1: Failed to open journal: Permission denied; retrying in 1s");
        assertThat(context.failures()).as("the daemon keeps running").isEmpty();
    }

    @Test
    void noJournalctlIsUnknownAndSaysWhatToDo() throws Exception {
        Path missing = dir.resolve("no-journalctl");
        follow(missing);

        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> pleg().status() == ConditionStatus.UNKNOWN);
        assertThat(pleg().message()).isEqualTo("the kubelet's log cannot be read for PLEG trouble: " + missing
                + " is not there to read the kubelet's journal; put journalctl in the agent's image and mount the host's journal, "
                + "or set pleg.logFile to the file the kubelet logs to; retrying in 1s");
    }

    @Test
    void aJournalctlThatCameBackIsReadAgain() throws Exception {
        // Fails the first time (as journalctl does while the journal is rotated away), follows the second.
        Files.writeString(dir.resolve("journal"), "");
        follow(journalctl("if [ ! -e '" + dir.resolve("failed-once") + "' ]; then touch '" + dir.resolve("failed-once") + "'; echo 'Failed to get journal fields' >&2; exit 1; fi\n"
                + "exec tail -n +1 -f '" + dir.resolve("journal") + "'"));
        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> pleg().status() == ConditionStatus.UNKNOWN);

        kubeletLogs(STALLED);

        awaitTrue("the PLEG line after the restart", Duration.ofSeconds(20), () -> context.events().size() == 1);
        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void stoppingTheDaemonEndsJournalctl() throws Exception {
        follow(followingJournalctl());
        awaitTrue("journalctl to start", WAIT, () -> !readIfThere(dir.resolve("pid")).isBlank());
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        daemon.stop();

        awaitTrue("journalctl (pid " + pid + ") to end", WAIT, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }
}
