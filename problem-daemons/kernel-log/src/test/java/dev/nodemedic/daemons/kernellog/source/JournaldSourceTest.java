package dev.nodemedic.daemons.kernellog.source;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** journalctl played by a script: prints the entries after the cursor it is given, and dies when told to. */
class JournaldSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private JournaldSource source;
    private Thread thread;

    /**
     * The stand-in reads entries.jsonl (one "cursor<TAB>json" per line), prints those after
     * --after-cursor, then either exits (if a file "die" exists, removing it) or waits to be killed,
     * as --follow does. Each call's arguments are appended to calls.log.
     */
    private Path journalctl(String... entries) throws IOException {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < entries.length; i++) {
            String cursor = "s=" + (i + 1);
            data.append(cursor).append('\t').append("{\"__CURSOR\":\"").append(cursor).append("\",\"__REALTIME_TIMESTAMP\":\"")
                    .append(1_795_000_000_000_000L + i).append("\",\"SYSLOG_IDENTIFIER\":\"kernel\",\"MESSAGE\":").append(entries[i]).append("}\n");
        }
        Files.writeString(dir.resolve("entries.jsonl"), data);
        Path script = dir.resolve("journalctl");
        Files.writeString(script, """
                #!/bin/sh
                here=$(dirname "$0")
                echo "$*" >> "$here/calls.log"
                after=""
                for a in "$@"; do case "$a" in --after-cursor=*) after="${a#--after-cursor=}";; esac; done
                printing=$([ -z "$after" ] && echo yes || echo no)
                while IFS="$(printf '\\t')" read -r cursor json; do
                  if [ "$printing" = yes ]; then echo "$json"; fi
                  if [ "$cursor" = "$after" ]; then printing=yes; fi
                done < "$here/entries.jsonl"
                if [ -e "$here/die" ]; then rm "$here/die"; exit 1; fi
                if [ -e "$here/fail" ]; then echo "Failed to open journal directory: No such file or directory"; exit 1; fi
                exec sleep 600
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private List<String> calls() {
        try {
            return Files.exists(dir.resolve("calls.log")) ? Files.readAllLines(dir.resolve("calls.log")) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void follow(Path journalctl) {
        JournaldSource.Command command = new JournaldSource.Command(journalctl.toString(), "", "SYSLOG_IDENTIFIER=kernel");
        source = new JournaldSource(command, Instant.EPOCH, Duration.ofMillis(10), Duration.ofMillis(100), System.getLogger("test"));
        thread = Thread.ofPlatform().name("journald-source-test").start(() -> {
            try {
                source.run((timestamp, message) -> seen.add(message));
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        source.close();
        thread.join(WAIT);
        assertThat(thread.isAlive()).as("reader ended after close").isFalse();
    }

    @Test
    void entriesBecomeLines() throws Exception {
        follow(journalctl("\"Killed process 1 (java) total-vm:1kB, anon-rss:1kB, file-rss:0kB\"", "\"second\\tline\""));

        awaitTrue("two lines, seen " + seen, WAIT, () -> seen.size() == 2);
        assertThat(seen).containsExactly("Killed process 1 (java) total-vm:1kB, anon-rss:1kB, file-rss:0kB", "second\tline");
        assertThat(failure.get()).isNull();
    }

    @Test
    void aBinaryMessageIsReadAsUtf8() throws Exception {
        follow(journalctl("[104,105,10]"));

        awaitTrue("one line", WAIT, () -> seen.size() == 1);
        assertThat(seen).containsExactly("hi");
    }

    @Test
    void aDeadJournalctlIsRestartedAfterItsCursor() throws Exception {
        Files.writeString(dir.resolve("die"), "");
        Path script = journalctl("\"one\"", "\"two\"");
        follow(script);

        awaitTrue("journalctl started again", WAIT, () -> calls().size() >= 2);

        assertThat(source.restarts()).isEqualTo(1);
        assertThat(seen).containsExactly("one", "two");
        List<String> calls = calls();
        assertThat(calls.get(0)).contains("--output=json", "--follow", "--since=@0", "SYSLOG_IDENTIFIER=kernel");
        assertThat(calls.get(1)).contains("--after-cursor=s=2").doesNotContain("--since");
        assertThat(failure.get()).isNull();
    }

    @Test
    void journalctlFailingBeforeAnyEntryFailsTheSourceWithItsWords() throws Exception {
        Files.writeString(dir.resolve("fail"), "");
        follow(journalctl());

        awaitTrue("failure", WAIT, () -> failure.get() != null);
        assertThat(failure.get()).hasMessageContaining("journalctl exited with status 1 before it read any entry: Failed to open journal directory");
    }

    @Test
    void journalctlEndingWithStatusZeroBeforeAnyEntryFailsTheSourceToo() throws Exception {
        Path script = dir.resolve("journalctl");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls.log\"\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        follow(script);

        awaitTrue("failure", WAIT, () -> failure.get() != null);
        assertThat(failure.get()).hasMessageContaining("journalctl exited with status 0 before it read any entry");
        assertThat(calls()).as("not restarted in silence").hasSize(1);
    }

    @Test
    void aMissingJournalctlFailsTheSourceSayingWhatToDo() throws Exception {
        follow(dir.resolve("no-such-journalctl"));

        awaitTrue("failure", WAIT, () -> failure.get() != null);
        assertThat(failure.get()).hasMessageContaining("cannot run").hasMessageContaining("use the kmsg or filelog plugin");
    }
}
