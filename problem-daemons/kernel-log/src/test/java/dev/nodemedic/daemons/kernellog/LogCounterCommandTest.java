package dev.nodemedic.daemons.kernellog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.FakeJournal;
import dev.nodemedic.daemon.api.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPD's log-counter flags, as NPD's own {@code *-monitor-counter.json} pass them, against the agent's
 * journal reader played by a {@code FakeJournal} that holds the entries and writes down what it was
 * asked (the reader's own journalctl calls are tested in detector-core's {@code JournalctlTest}).
 */
class LogCounterCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
    /** systemd-monitor-counter.json's FrequentKubeletRestart rule. */
    private static final List<String> KUBELET_RESTARTS = List.of("--journald-source=systemd", "--log-path=JOURNAL", "--lookback=20m",
            "--delay=5m", "--count=5", "--pattern=Started Kubernetes kubelet.");

    @TempDir
    Path dir;

    private Path journalDir;
    private FakeCommandContext context;

    @BeforeEach
    void bootedAnHourAgo() throws IOException {
        journalDir = Files.createDirectory(dir.resolve("journal"));
        Files.writeString(dir.resolve("uptime"), "3600.00 7000.00\n");
        context = new FakeCommandContext(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void logged(Duration ago, String identifier, String message) {
        context.journal().write(NOW.minus(ago), message, Map.of("SYSLOG_IDENTIFIER", identifier));
    }

    private int run(List<String> args) throws Exception {
        Host host = new Host(dir.resolve("kmsg"), List.of(), dir.resolve("uptime"), ZoneId.of("UTC"), Duration.ofMillis(50), Duration.ofSeconds(20),
                Duration.ofSeconds(1));
        return new LogCounterCommand(host).run(context, args.stream().map(a -> a.replace("JOURNAL", journalDir.toString())).toList());
    }

    @Test
    void fiveKubeletStartsWithinTheLookbackExitOneWithNpdsMessage() throws Exception {
        for (int i = 1; i <= 5; i++) {
            logged(Duration.ofMinutes(3 * i), "systemd", "Started Kubernetes kubelet.");
            logged(Duration.ofMinutes(3 * i).plusSeconds(1), "systemd", "Started Docker Application Container Engine.");
        }

        assertThat(run(KUBELET_RESTARTS)).isEqualTo(1);
        assertThat(context.printed()).isEqualTo("Found 5 matching logs, which meets the threshold of 5\n");
        assertThat(context.journal().reads()).containsExactly(
                new FakeJournal.Read(Journal.Query.identifier("systemd").in(journalDir), NOW.minus(Duration.ofMinutes(20)), NOW));
    }

    @Test
    void startsOlderThanTheLookbackOrOfOtherIdentifiersAreNotCounted() throws Exception {
        for (int i = 1; i <= 4; i++) {
            logged(Duration.ofMinutes(3 * i), "systemd", "Started Kubernetes kubelet.");
        }
        logged(Duration.ofMinutes(21), "systemd", "Started Kubernetes kubelet.");
        logged(Duration.ofMinutes(2), "kernel", "Started Kubernetes kubelet.");
        logged(Duration.ofMinutes(1), "systemd", "Started Kubernetes kubelet. (not at the end)");

        assertThat(run(KUBELET_RESTARTS)).isZero();
        assertThat(context.printed()).isEmpty();
    }

    @Test
    void linesWithinTheDelayAfterBootAreNotCounted() throws Exception {
        Files.writeString(dir.resolve("uptime"), "600.00 1000.00\n");
        for (int i = 1; i <= 5; i++) {
            // booted 10 minutes ago: --delay=5m leaves the last 5 minutes only
            logged(Duration.ofSeconds(100 * i), "systemd", "Started Kubernetes kubelet.");
        }

        assertThat(run(KUBELET_RESTARTS)).as("3 of 5 are within 5 minutes of boot").isZero();

        context = new FakeCommandContext(Clock.fixed(NOW, ZoneOffset.UTC));
        for (int i = 1; i <= 5; i++) {
            logged(Duration.ofSeconds(50 * i), "systemd", "Started Kubernetes kubelet.");
        }
        assertThat(run(KUBELET_RESTARTS)).isEqualTo(1);
    }

    @Test
    void aRevertPatternTakesAMatchBackAsNpdsDoes() throws Exception {
        for (int i = 1; i <= 3; i++) {
            logged(Duration.ofMinutes(2 * i), "kernel", "unregister_netdevice: waiting for eth0 to become free. Usage count = 2");
        }
        logged(Duration.ofMinutes(1), "kernel", "eth0 freed");
        List<String> args = List.of("--journald-source=kernel", "--log-path=JOURNAL", "--lookback=20m", "--count=3",
                "--pattern=unregister_netdevice: waiting for \\w+ to become free. Usage count = \\d+", "--revert-pattern=\\w+ freed");

        assertThat(run(args)).isZero();
        assertThat(run(args.subList(0, 5))).isEqualTo(1);
        assertThat(context.printed()).isEqualTo("Found 3 matching logs, which meets the threshold of 3\n");
    }

    @Test
    void aJournalWithNoEntryIsUnknownNotHealthy() throws Exception {
        // What the agent's reader says of a journal without a single entry (JournalctlTest holds it to that).
        context.journal().unavailable("journalctl --directory=" + journalDir + " found no journal entry (\"No journal files were found.\", exit status 0);"
                + " check that " + journalDir + " holds the host's journal files", Duration.ZERO);
        int exit = run(KUBELET_RESTARTS);

        assertThat(exit).isEqualTo(2);
        assertThat(context.printed()).startsWith("log-counter: ").contains("found no journal entry", journalDir.toString());
    }

    @Test
    void aMissingJournalDirectoryIsUnknown() throws Exception {
        logged(Duration.ofMinutes(1), "systemd", "Started Kubernetes kubelet.");
        Files.delete(journalDir);

        assertThat(run(KUBELET_RESTARTS)).isEqualTo(2);
        assertThat(context.printed()).contains("--log-path " + journalDir + " is not a directory");
    }

    @Test
    void badFlagsExitTwoNamingTheFlag() throws Exception {
        logged(Duration.ofMinutes(1), "systemd", "Started Kubernetes kubelet.");

        assertThat(run(List.of("--journald-source=systemd", "--lookback=20m", "--pattern=Started (kubelet"))).isEqualTo(2);
        assertThat(context.printed()).contains("--pattern: \"Started (kubelet\" is not a valid RE2 regular expression");

        assertThat(run(List.of("--journald-source=systemd", "--lookback=20 minutes", "--pattern=x"))).isEqualTo(2);
        assertThat(context.printed()).contains("--lookback: \"20 minutes\" is not a duration");

        assertThat(run(List.of("--journald-source=systemd", "--lookback=20m", "--pattern=x", "--window=5m"))).isEqualTo(2);
        assertThat(context.printed()).contains("unknown flag --window");
    }
}
