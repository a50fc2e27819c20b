package dev.nodemedic.core.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * journalctl played by a shell script, run as a real child process. It keeps its journal in a file
 * of {@code journalctl -o json} lines whose cursor is the line number ({@code s=N}); {@code --lines=1}
 * prints the first, or "No journal files were found." and exit 0 as systemd 252 does; a follower prints
 * every entry after {@code --after-cursor} (all of them otherwise: the reader cuts them to each
 * subscriber's time) and follows the file, as {@code tail -f}. It ignores the matches: the reader
 * filters each entry for its subscribers again, which is what is under test. Files next to it steer it:
 * {@code fail} (complain and exit 1 before any entry), {@code die} (print, then exit 1, once). Public for
 * the agent's tests, which run a daemon plugin on it.
 */
public final class FakeJournalctl {
    private final Path dir;
    private final Path script;
    private int written;

    public FakeJournalctl(Path dir) throws IOException {
        this.dir = dir;
        this.script = dir.resolve("journalctl");
        Files.writeString(script, """
                #!/bin/sh
                here=$(dirname "$0")
                echo "$*" >> "$here/calls.log"
                case " $* " in
                  *" --lines=1 "*)
                    if [ -s "$here/entries" ]; then head -n 1 "$here/entries"; exit 0; fi
                    echo "No journal files were found." >&2; exit 0;;
                esac
                if [ -e "$here/fail" ]; then echo "Failed to open journal directory: No such file or directory" >&2; exit 1; fi
                from=1
                for a in "$@"; do case "$a" in --after-cursor=s=*) from=$(( ${a#--after-cursor=s=} + 1 ));; esac; done
                if [ -e "$here/die" ]; then rm "$here/die"; tail -n "+$from" "$here/entries"; exit 1; fi
                echo $$ >> "$here/pids"
                exec tail -n "+$from" -f "$here/entries"
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("entries"), "");
    }

    public Path path() {
        return script;
    }

    /** Appends an entry with these fields; its cursor is its line number, its time {@code micros}. */
    public synchronized void write(long micros, String message, Map<String, String> fields) {
        written++;
        StringBuilder json = new StringBuilder("{\"__CURSOR\":\"s=" + written + "\",\"__REALTIME_TIMESTAMP\":\"" + micros + "\"");
        fields.forEach((name, value) -> json.append(",\"").append(name).append("\":\"").append(value).append('"'));
        json.append(",\"MESSAGE\":\"").append(message).append("\"}\n");
        try {
            Files.writeString(dir.resolve("entries"), json, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void steer(String file, boolean on) throws IOException {
        if (on) {
            Files.writeString(dir.resolve(file), "");
        } else {
            Files.deleteIfExists(dir.resolve(file));
        }
    }

    public List<String> calls() {
        return lines("calls.log");
    }

    /** The followers that ran, newest last. */
    public List<Long> pids() {
        return lines("pids").stream().map(Long::parseLong).toList();
    }

    private List<String> lines(String file) {
        try {
            return Files.exists(dir.resolve(file)) ? Files.readAllLines(dir.resolve(file)) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
