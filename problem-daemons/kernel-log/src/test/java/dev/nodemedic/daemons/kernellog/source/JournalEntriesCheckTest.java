package dev.nodemedic.daemons.kernellog.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JournaldSource#requireEntries}: whether the journal journalctl would follow holds anything at all. */
class JournalEntriesCheckTest {
    private static final Duration LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private JournaldSource.Command command(String body) throws IOException {
        Path script = dir.resolve("journalctl");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls.log\"\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new JournaldSource.Command(script.toString(), "", "_TRANSPORT=kernel");
    }

    @Test
    void aJournalWithAnEntryPassesAndIsAskedWithoutFollowingOrTheMatch() throws Exception {
        JournaldSource.Command command = command("echo '{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"hello\"}'\n");

        assertThatCode(() -> JournaldSource.requireEntries(command, LIMIT)).doesNotThrowAnyException();
        assertThat(Files.readString(dir.resolve("calls.log")).strip()).isEqualTo("--output=json --lines=1 --no-pager");
    }

    @Test
    void journalctlThatFindsNoJournalFilesFailsWithItsWordsThoughItExitsZero() throws Exception {
        JournaldSource.Command command = command("echo 'No journal files were found.' >&2\nexit 0\n");

        assertThatThrownBy(() -> JournaldSource.requireEntries(command, LIMIT)).isInstanceOf(IOException.class)
                .hasMessage(command.journalctl() + " found no journal entry (\"No journal files were found.\", exit status 0); mount the host's journal"
                        + " (/var/log/journal, or /run/log/journal where it is volatile) and its /etc/machine-id into the pod");
    }

    @Test
    void journalctlThatPrintsNothingFailsSayingSo() throws Exception {
        JournaldSource.Command command = command("exit 0\n");

        assertThatThrownBy(() -> JournaldSource.requireEntries(command, LIMIT)).hasMessageStartingWith(command.journalctl() + " found no journal entry (it printed nothing, exit status 0)");
    }

    @Test
    void aNamedDirectoryIsPassedOnAndNamedInTheAdvice() throws Exception {
        JournaldSource.Command script = command("echo 'Failed to open /x: No such file or directory'\nexit 1\n");
        JournaldSource.Command command = new JournaldSource.Command(script.journalctl(), dir.toString(), "SYSLOG_IDENTIFIER=dockerd");

        assertThatThrownBy(() -> JournaldSource.requireEntries(command, LIMIT))
                .hasMessage(command.journalctl() + " --directory=" + dir + " found no journal entry (\"Failed to open /x: No such file or directory\", exit status 1); check that " + dir
                        + " holds the host's journal files");
        assertThat(Files.readString(dir.resolve("calls.log"))).contains("--directory=" + dir).doesNotContain("dockerd");
    }

    @Test
    void journalctlThatDoesNotAnswerIsKilledAfterTheLimit() throws Exception {
        JournaldSource.Command command = command("exec sleep 600\n");

        long started = System.nanoTime();
        assertThatThrownBy(() -> JournaldSource.requireEntries(command, Duration.ofMillis(300))).hasMessageStartingWith(command.journalctl() + " did not answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMissingJournalctlSaysWhatToDo() {
        JournaldSource.Command command = new JournaldSource.Command(dir.resolve("no-journalctl").toString(), "", "_TRANSPORT=kernel");

        assertThatThrownBy(() -> JournaldSource.requireEntries(command, LIMIT)).hasMessageContaining("cannot run").hasMessageContaining("use the kmsg or filelog plugin");
    }

    /** systemd's own journalctl, where the machine has it, on a directory with no journal files: what a pod without the host's journal sees. */
    @Test
    void theRealJournalctlOnADirectoryWithoutJournalFilesIsNoSource() throws Exception {
        Path journalctl = Path.of("/usr/bin/journalctl");
        assumeThat(Files.isExecutable(journalctl)).as("systemd's journalctl is installed").isTrue();
        Path empty = Files.createDirectories(dir.resolve("journal"));

        assertThatThrownBy(() -> JournaldSource.requireEntries(new JournaldSource.Command(journalctl.toString(), empty.toString(), "_TRANSPORT=kernel"), LIMIT))
                .hasMessageStartingWith("/usr/bin/journalctl --directory=" + empty + " found no journal entry (");
    }
}
