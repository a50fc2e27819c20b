package dev.nodemedic.daemons.kubelethealth;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.FakeJournal;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PLEG trouble read from the kubelet's unit in the journal, through the agent's journal reader played
 * by a {@link FakeJournal}. The reader's journalctl itself (one for the node, restarted after its
 * cursor, a journal without entries, no journalctl) is tested with real processes in detector-core.
 */
class PlegJournalTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String STALLED = "E0610 17:39:22.920969 1980 kubelet.go:2353] \"Skipping pod synchronization\" "
            + "err=\"PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s\"";
    private static final Map<String, String> KUBELET = Map.of("_SYSTEMD_UNIT", "kubelet.service");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final FakeJournal journal = new FakeJournal(clock);
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

    private void follow(Optional<Path> journalDirectory) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KubeletHealthConfig config = new KubeletHealthConfig(URI.create("http://127.0.0.1:" + port + "/healthz"), Duration.ofSeconds(1),
                Duration.ofMinutes(5), null, Optional.of(dir.resolve("kubelet.pem")), null, "kubelet.service", dir.resolve("no-systemctl"), null, null,
                new PlegConfig(null, null, journalDirectory, null, null), null);
        context = new RecordingDaemonContext<>(daemon, config, clock).withJournal(journal);
        daemon.open(context);
        daemon.followKubeletLog();
    }

    private void kubeletLogs(String line) {
        journal.write(clock.instant(), line, KUBELET);
    }

    private Condition pleg() {
        return context.condition("PLEGUnhealthy");
    }

    private long linesRead() {
        return context.counted("kubelet_log_lines_read", Map.of("source", "journald"));
    }

    @Test
    void itFollowsTheKubeletsUnitFromNowInTheJournalNamed() throws Exception {
        journal.following();
        follow(Optional.of(dir));

        awaitTrue("the subscription", WAIT, () -> !journal.open().isEmpty());
        assertThat(journal.open()).singleElement().satisfies(followed -> {
            assertThat(followed.query()).isEqualTo(Journal.Query.unit("kubelet.service").in(dir));
            assertThat(followed.from()).isEqualTo(Journal.Position.fromNow());
        });
    }

    @Test
    void stalledLinesBecomeEventsAndPersistingOnesTheCondition() throws Exception {
        journal.following();
        follow(Optional.empty());
        awaitTrue("the subscription", WAIT, () -> !journal.open().isEmpty());

        kubeletLogs("I0610 17:39:22.920920 1980 kubelet.go:2329] \"Starting kubelet main sync loop\"");
        kubeletLogs(STALLED);
        kubeletLogs("containerd's line");
        journal.write(clock.instant(), STALLED, Map.of("_SYSTEMD_UNIT", "containerd.service"));
        awaitTrue("the first PLEG event", WAIT, () -> context.events().size() == 1);
        journal.flush();
        assertThat(context.events().getFirst().reason()).isEqualTo("PLEGUnhealthy");
        assertThat(context.events().getFirst().message()).isEqualTo("PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s");
        assertThat(linesRead()).as("the unit's lines only").isEqualTo(3);
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
    void aJournalThatCannotBeReadIsUnknownWithTheReadersWords() throws Exception {
        journal.unavailable("journalctl exited with status 1 before it read any entry: Failed to open journal: Permission denied (journal)", Duration.ofSeconds(2));
        follow(Optional.empty());

        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> pleg().status() == ConditionStatus.UNKNOWN);
        assertThat(pleg().reason()).isEqualTo("KubeletLogUnavailable");
        assertThat(pleg().message()).isEqualTo("the kubelet's log cannot be read for PLEG trouble: journalctl exited with status 1 before it read any entry:"
                + " Failed to open journal: Permission denied (journal); or set pleg.logFile to the file the kubelet logs to; retrying in 2s");
        assertThat(context.failures()).as("the daemon keeps running").isEmpty();
    }

    @Test
    void noJournalctlIsUnknownAndSaysWhatToDo() throws Exception {
        journal.unavailable("journalctl: not found on PATH; install systemd's journalctl in the agent's image (the agent reads the node's journal with it)",
                Duration.ofSeconds(1));
        follow(Optional.empty());

        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> pleg().status() == ConditionStatus.UNKNOWN);
        assertThat(pleg().message()).isEqualTo("the kubelet's log cannot be read for PLEG trouble: journalctl: not found on PATH; install systemd's journalctl"
                + " in the agent's image (the agent reads the node's journal with it); or set pleg.logFile to the file the kubelet logs to; retrying in 1s");
    }

    @Test
    void aJournalThatCameBackIsReadAgain() throws Exception {
        journal.unavailable("journalctl exited with status 1 before it read any entry: Failed to get journal fields", Duration.ofSeconds(1));
        follow(Optional.empty());
        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> pleg().status() == ConditionStatus.UNKNOWN);

        journal.following();
        kubeletLogs(STALLED);

        awaitTrue("the PLEG line after the journal came back", WAIT, () -> context.events().size() == 1);
        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void stoppingTheDaemonEndsItsSubscription() throws Exception {
        journal.following();
        follow(Optional.empty());
        awaitTrue("the subscription", WAIT, () -> !journal.open().isEmpty());

        daemon.stop();

        awaitTrue("the subscription closed", WAIT, () -> journal.open().isEmpty());
    }
}
