package dev.nodemedic.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.nodemedic.daemon.api.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * journalctl's short calls, against scripts playing it: whether the journal holds anything at all
 * (before following it, and before a command counts in it), and one window of entries (NPD's
 * log-counter, the health checker's --log-pattern).
 */
class JournalctlTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

    @TempDir
    Path dir;

    private Journalctl journalctl(String body) throws IOException {
        Path script = dir.resolve("journalctl");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls.log\"\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new Journalctl(script.toString());
    }

    private String calls() throws IOException {
        return Files.readString(dir.resolve("calls.log")).strip();
    }

    @Test
    void aJournalWithAnEntryPassesAndIsAskedWithoutFollowingOrAMatch() throws Exception {
        Journalctl journalctl = journalctl("echo '{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"hello\"}'\n");

        assertThatCode(() -> journalctl.requireEntries(Optional.empty(), LIMIT)).doesNotThrowAnyException();
        assertThat(calls()).isEqualTo("--output=json --lines=1 --no-pager");
    }

    @Test
    void journalctlThatFindsNoJournalFilesFailsWithItsWordsThoughItExitsZero() throws Exception {
        Journalctl journalctl = journalctl("echo 'No journal files were found.' >&2\nexit 0\n");

        assertThatThrownBy(() -> journalctl.requireEntries(Optional.empty(), LIMIT)).isInstanceOf(IOException.class)
                .hasMessage(journalctl.binary() + " found no journal entry (\"No journal files were found.\", exit status 0); mount the host's journal"
                        + " (/var/log/journal, or /run/log/journal where it is volatile) and its /etc/machine-id into the pod");
    }

    @Test
    void journalctlThatPrintsNothingFailsSayingSo() throws Exception {
        Journalctl journalctl = journalctl("exit 0\n");

        assertThatThrownBy(() -> journalctl.requireEntries(Optional.empty(), LIMIT))
                .hasMessageStartingWith(journalctl.binary() + " found no journal entry (it printed nothing, exit status 0)");
    }

    @Test
    void aNamedDirectoryIsPassedOnAndNamedInTheAdvice() throws Exception {
        Journalctl journalctl = journalctl("echo 'Failed to open /x: No such file or directory'\nexit 1\n");

        assertThatThrownBy(() -> journalctl.requireEntries(Optional.of(dir), LIMIT))
                .hasMessage(journalctl.binary() + " --directory=" + dir + " found no journal entry (\"Failed to open /x: No such file or directory\", exit status 1);"
                        + " check that " + dir + " holds the host's journal files");
        assertThat(calls()).contains("--directory=" + dir);
    }

    @Test
    void journalctlThatDoesNotAnswerIsKilledAfterTheLimit() throws Exception {
        Journalctl journalctl = journalctl("exec sleep 600\n");

        long started = System.nanoTime();
        assertThatThrownBy(() -> journalctl.requireEntries(Optional.empty(), Duration.ofMillis(300)))
                .hasMessageStartingWith(journalctl.binary() + " did not answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMissingJournalctlSaysWhatToDo() {
        Journalctl journalctl = new Journalctl(dir.resolve("no-journalctl").toString());

        assertThatThrownBy(() -> journalctl.requireEntries(Optional.empty(), LIMIT))
                .hasMessage(dir.resolve("no-journalctl") + ": not there; install systemd's journalctl in the agent's image (the agent reads the node's journal with it)");
        assertThatThrownBy(() -> new Journalctl("no-such-journalctl-anywhere").requireEntries(Optional.empty(), LIMIT))
                .hasMessageStartingWith("no-such-journalctl-anywhere: not found on PATH");
    }

    /** systemd's own journalctl, where the machine has it, on a directory with no journal files: what a pod without the host's journal sees. */
    @Test
    void theRealJournalctlOnADirectoryWithoutJournalFilesIsNoJournal() throws Exception {
        Path real = Path.of("/usr/bin/journalctl");
        assumeThat(Files.isExecutable(real)).as("systemd's journalctl is installed").isTrue();
        Path empty = Files.createDirectories(dir.resolve("journal"));

        assertThatThrownBy(() -> new Journalctl(real.toString()).requireEntries(Optional.of(empty), LIMIT))
                .hasMessageStartingWith("/usr/bin/journalctl --directory=" + empty + " found no journal entry (");
    }

    private static String entry(Instant at, String identifier, String message) {
        long micros = Journalctl.micros(at);
        return "{\"__CURSOR\":\"s=" + micros + "\",\"__REALTIME_TIMESTAMP\":\"" + micros + "\",\"SYSLOG_IDENTIFIER\":\"" + identifier
                + "\",\"MESSAGE\":\"" + message + "\"}";
    }

    @Test
    void aWindowIsReadOnceWithoutFollowingAndCutToItsMicroseconds() throws Exception {
        Instant since = NOW.minus(Duration.ofMinutes(20)).plusMillis(500);
        Files.write(dir.resolve("entries.jsonl"), List.of(
                entry(since.minusMillis(1), "systemd", "just before"),
                entry(since, "systemd", "first"),
                entry(NOW.minusSeconds(60), "systemd", "second"),
                entry(NOW, "systemd", "last"),
                entry(NOW.plusMillis(1), "systemd", "just after")));
        Journalctl journalctl = journalctl("cat \"$(dirname \"$0\")/entries.jsonl\"\n");
        List<String> read = new ArrayList<>();

        long handed = journalctl.readWindow(Journal.Query.identifier("systemd").in(dir), since, NOW, LIMIT, e -> read.add(e.message()));

        assertThat(handed).isEqualTo(3);
        assertThat(read).containsExactly("first", "second", "last");
        assertThat(calls()).isEqualTo("--output=json --no-pager --directory=" + dir + " --since=@" + since.getEpochSecond() + " --until=@"
                + (NOW.getEpochSecond() + 1) + " --output-fields=MESSAGE,SYSLOG_IDENTIFIER SYSLOG_IDENTIFIER=systemd");
    }

    @Test
    void aWindowAsksJournalctlForTheFieldsAskedForAndReadsThem() throws Exception {
        Files.write(dir.resolve("entries.jsonl"), List.of("{\"__CURSOR\":\"s=1\",\"__REALTIME_TIMESTAMP\":\"" + Journalctl.micros(NOW)
                + "\",\"SYSLOG_IDENTIFIER\":\"systemd\",\"_PID\":\"1\",\"MESSAGE\":\"Started kubelet.\"}"));
        Journalctl journalctl = journalctl("cat \"$(dirname \"$0\")/entries.jsonl\"\n");
        List<Journal.Entry> read = new ArrayList<>();

        journalctl.readWindow(Journal.Query.identifier("systemd").withFields("_PID"), NOW.minusSeconds(60), NOW, LIMIT, read::add);

        assertThat(read).singleElement().satisfies(entry -> assertThat(entry.fields()).isEqualTo(java.util.Map.of("_PID", "1")));
        assertThat(calls()).contains(" --output-fields=MESSAGE,SYSLOG_IDENTIFIER,_PID SYSLOG_IDENTIFIER=systemd");
    }

    @Test
    void theHostJournalsReadOfAWindowWithAnEntryRunsJournalctlOnce() throws Exception {
        Files.write(dir.resolve("entries.jsonl"), List.of(entry(NOW.minusSeconds(1), "systemd", "Started kubelet.")));
        Journalctl journalctl = journalctl("cat \"$(dirname \"$0\")/entries.jsonl\"\n");
        HostJournal journal = new HostJournal(journalctl, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(1), Duration.ofSeconds(1), LIMIT, 16);

        long handed = journal.read(Journal.Query.identifier("systemd"), NOW.minusSeconds(60), NOW, LIMIT, e -> { });

        assertThat(handed).isEqualTo(1);
        assertThat(calls().lines()).as("the entry shows the journal is there: no second journalctl to ask").singleElement()
                .satisfies(call -> assertThat(call).contains("--since=").doesNotContain("--lines=1"));
    }

    @Test
    void theHostJournalsReadOfAnEmptyWindowAsksWhetherTheJournalHoldsAnyEntryAtAll() throws Exception {
        Journalctl journalctl = journalctl("""
                case " $* " in *" --lines=1 "*) echo '{"__CURSOR":"s=1","MESSAGE":"hello"}';; esac
                exit 0
                """);
        HostJournal journal = new HostJournal(journalctl, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(1), Duration.ofSeconds(1), LIMIT, 16);

        long handed = journal.read(Journal.Query.identifier("systemd"), NOW.minusSeconds(60), NOW, LIMIT, e -> { });

        assertThat(handed).isZero();
        // journalctl -o json prints nothing for an empty window and for no journal alike (systemd 252): only the check tells them apart.
        assertThat(calls().lines()).hasSize(2).last().asString().contains("--lines=1");
    }

    @Test
    void aWindowReadThatFailsSaysSoWithJournalctlsWords() throws Exception {
        Journalctl journalctl = journalctl("echo 'Failed to get journal fields: Bad message' >&2\nexit 1\n");

        assertThatThrownBy(() -> journalctl.readWindow(Journal.Query.unit("kubelet"), NOW.minusSeconds(300), NOW, LIMIT, e -> { }))
                .hasMessage(journalctl.binary() + " exited with status 1: Failed to get journal fields: Bad message");
    }

    @Test
    void theHostJournalsReadRefusesAJournalWithoutEntriesAndAMissingDirectory() throws Exception {
        Journalctl journalctl = journalctl("echo 'No journal files were found.' >&2\nexit 0\n");
        HostJournal journal = new HostJournal(journalctl, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(1), Duration.ofSeconds(1), LIMIT, 16);

        assertThatThrownBy(() -> journal.read(Journal.Query.identifier("kernel"), NOW.minusSeconds(60), NOW, LIMIT, e -> { }))
                .hasMessageContaining("found no journal entry");
        assertThatThrownBy(() -> journal.read(Journal.Query.identifier("kernel").in(dir.resolve("gone")), NOW.minusSeconds(60), NOW, LIMIT, e -> { }))
                .hasMessage(dir.resolve("gone") + " is not a directory; mount the host's journal there");
    }
}
