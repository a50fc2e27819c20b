package dev.nodemedic.daemons.kernellog.source;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real file read as NPD's filelog plugin reads it: stamp and message by the config's expressions, old
 * lines dropped. How the file is followed through rotation and truncation is log-sources' {@code LogFileTest}.
 */
class FileSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ManualClock CLOCK = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    /** What the source said of its lines besides the lines: {@code unusable <reason>: <why>} and {@code usable}. */
    private final List<String> said = new CopyOnWriteArrayList<>();
    private final AtomicLong unparsed = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private FileSource source;
    private Thread thread;

    private void follow(Path file, Instant startTime) {
        follow(file, startTime, new FileLineFormat("^.{15}", "kernel: (?:\\[\\s*[\\d.]+\\] )?(.*)", "Jan _2 15:04:05", ZoneOffset.UTC, CLOCK));
    }

    private void follow(Path file, Instant startTime, FileLineFormat format) {
        follow(file, startTime, format, List.of());
    }

    private void follow(Path file, Instant startTime, FileLineFormat format, List<String> skipList) {
        source = new FileSource(file, format, skipList, startTime, Duration.ofMillis(50), clock, System.getLogger("test"));
        LineSink sink = new LineSink() {
            @Override
            public void line(Instant timestamp, String message) {
                seen.add(message);
            }

            @Override
            public void unparsed() {
                unparsed.incrementAndGet();
            }

            @Override
            public void unusable(String reason, String why) {
                said.add("unusable " + reason + ": " + why);
            }

            @Override
            public void usable() {
                said.add("usable");
            }
        };
        thread = Thread.ofPlatform().name("file-source-test").start(() -> {
            try {
                source.run(sink);
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (source != null) {
            source.close();
            thread.join(WAIT);
            assertThat(thread.isAlive()).as("source thread ended after close").isFalse();
        }
        assertThat(failure.get()).isNull();
    }

    private static String line(String message) {
        return "Nov 23 11:59:30 node-1 kernel: [ 1234.567890] " + message + "\n";
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void awaitSeen(String... messages) throws InterruptedException {
        awaitTrue("lines " + List.of(messages) + ", seen " + seen, WAIT, () -> seen.size() >= messages.length);
        assertThat(seen).containsExactly(messages);
    }

    /**
     * The source hands on a line's bytes, not its text: what reaches the sink is still what NPD's
     * expressions (RE2/J here) take from the decoded line, for CRLF lines, multi-byte and malformed UTF-8,
     * lines that do not match, a line across two reads and one longer than {@link FileSource#MAX_LINE_BYTES}.
     */
    @Test
    void linesOfEveryKindReachTheSinkAsRe2jTakesThemFromTheDecodedLine() throws Exception {
        String npdMessage = "kernel: \\[.*\\] (.*)";
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        String prefix = "Nov 23 11:59:30 node-1 kernel: [ 1234.567890] ";
        file.writeBytes((prefix + "crlf line\r\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes((prefix + "naïve ünïcode 中文 \uD83D\uDE00 [x] y\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        file.writeBytes(new byte[] {'b', 'a', 'd', ' ', (byte) 0xff, ' ', (byte) 0xe2, (byte) 0x82, ']', ' ', (byte) 0xc3, '\r', '\n'});
        file.writeBytes("Nov 23 11:59:30 node-1 systemd[1]: no kernel here\n".getBytes(StandardCharsets.UTF_8));
        file.writeBytes("Nov 23 11:59:3\u00e9 node-1 kernel: [ 1.0] stamp not ASCII\n".getBytes(StandardCharsets.UTF_8));
        // Across the first 64 KiB read, and a line cut at MAX_LINE_BYTES inside a multi-byte character.
        file.writeBytes((prefix + "x".repeat(65_536 - file.size() - prefix.length() - 10) + "] across a read\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes((prefix + "é".repeat(FileSource.MAX_LINE_BYTES) + "] too long\r\n").getBytes(StandardCharsets.UTF_8));
        file.writeBytes((prefix + "last\n").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = file.toByteArray();
        Path log = dir.resolve("kern.log");
        Files.write(log, bytes);
        // What the source is documented to do, with RE2/J on the decoded line.
        FileLineFormat re2j = new FileLineFormat("^.{15}", npdMessage, "Jan _2 15:04:05", ZoneOffset.UTC, CLOCK, false);
        List<String> expected = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                int end = Math.min(i, start + FileSource.MAX_LINE_BYTES);
                if (end > start && bytes[end - 1] == '\r') {
                    end--;
                }
                re2j.translate(new String(bytes, start, end - start, StandardCharsets.UTF_8), (at, message) -> expected.add(message));
                start = i + 1;
            }
        }
        assertThat(expected).hasSize(6).contains("crlf line", "y", "\ufffd", "across a read", "last");

        follow(log, Instant.EPOCH, new FileLineFormat("^.{15}", npdMessage, "Jan _2 15:04:05", ZoneOffset.UTC, CLOCK));

        awaitSeen(expected.toArray(String[]::new));
    }

    @Test
    void readsTheFileThenWhatIsAppended() throws Exception {
        Path file = dir.resolve("kern.log");
        append(file, line("one") + line("two"));
        follow(file, Instant.EPOCH);
        awaitSeen("one", "two");

        append(file, line("three"));

        awaitSeen("one", "two", "three");
    }

    @Test
    void linesBeforeTheStartTimeAreDropped() throws Exception {
        Path file = dir.resolve("kern.log");
        append(file, "Nov 23 11:50:00 node-1 kernel: [ 1.0] old\n" + "Nov 23 11:58:00 node-1 kernel: [ 2.0] new\n");

        follow(file, Instant.parse("2026-11-23T11:55:00Z"));

        awaitSeen("new");
    }

    @Test
    void linesThatDoNotParseAreCountedAndSkipped() throws Exception {
        Path file = dir.resolve("kern.log");
        append(file, "garbage\n" + line("one"));

        follow(file, Instant.EPOCH);

        awaitSeen("one");
        assertThat(unparsed.get()).isEqualTo(1);
        // A line of junk is no sign of a wrong pluginConfig: nothing is said but that the file is open.
        assertThat(said).containsExactly("usable");
    }

    /** An RFC 3339 syslog file read with NPD's kernel-monitor-filelog.json pluginConfig, which expects "Jan _2 15:04:05". */
    private static String rfc3339(int i) {
        return "2026-11-23T11:59:30.%06d+00:00 node-1 kernel: [ 1234.567890] eth0: link up\n".formatted(i);
    }

    /**
     * A hundred lines in a row that do not parse are a file of another format than pluginConfig's: the
     * source says it is unusable, naming the file, the line where it began and the field to fix; the first
     * line that parses makes it usable again.
     */
    @Test
    void aWindowOfLinesNoneParsingMakesTheSourceUnusableNamingTheFieldToFix() throws Exception {
        Path file = dir.resolve("kern.log");
        append(file, line("before"));
        StringBuilder wrong = new StringBuilder();
        for (int i = 0; i < FileSource.UNPARSED_WINDOW_LINES; i++) {
            wrong.append(rfc3339(i));
        }
        append(file, wrong.toString());

        follow(file, Instant.EPOCH);

        awaitTrue("the source unusable", WAIT, () -> said.size() == 2);
        assertThat(said).containsExactly("usable", "unusable LogLinesUnparsed: file " + file + ": 100 lines in a row do not fit pluginConfig, none parsing"
                + " since line 2 (2026-11-23T12:00:00Z), where the timestamp pluginConfig.timestamp finds in it does not read as"
                + " pluginConfig.timestampFormat \"Jan _2 15:04:05\"; fix pluginConfig.timestampFormat for this log's format, or set logPath"
                + " to the log this pluginConfig was written for");
        assertThat(unparsed.get()).isEqualTo(100);

        append(file, rfc3339(100) + line("parses"));

        awaitSeen("before", "parses");
        awaitTrue("the source usable", WAIT, () -> said.size() == 3);
        assertThat(said.getLast()).isEqualTo("usable");
        assertThat(unparsed.get()).isEqualTo(101);
    }

    @Test
    void fewerLinesThanTheWindowThenOneThatParsesSayNothing() throws Exception {
        Path file = dir.resolve("kern.log");
        StringBuilder wrong = new StringBuilder();
        for (int i = 0; i < FileSource.UNPARSED_WINDOW_LINES - 1; i++) {
            wrong.append(rfc3339(i));
        }
        append(file, wrong + line("parses"));

        follow(file, Instant.EPOCH);

        awaitSeen("parses");
        assertThat(said).containsExactly("usable");
        assertThat(unparsed.get()).isEqualTo(99);
    }

    /** A quiet file: two lines a minute apart, neither parsing, close the window; one alone does not. */
    @Test
    void aMinuteOfLinesNoneParsingMakesTheSourceUnusable() throws Exception {
        Path file = dir.resolve("kern.log");
        append(file, "");
        follow(file, Instant.EPOCH);
        append(file, "short\n"); // shorter than the 15 characters of ^.{15}
        awaitTrue("the first line counted", WAIT, () -> unparsed.get() == 1);

        clock.advance(FileSource.UNPARSED_WINDOW_TIME);
        assertThat(said).containsExactly("usable");
        append(file, "short too\n");

        awaitTrue("the source unusable", WAIT, () -> said.size() == 2);
        assertThat(said.getLast()).startsWith("unusable LogLinesUnparsed: file " + file + ": 2 lines in a row do not fit pluginConfig, none parsing since line 1"
                + " (2026-11-23T12:00:00Z), where pluginConfig.timestamp \"^.{15}\" finds no timestamp in it; fix pluginConfig.timestamp");
    }

    /** NPD drops skipList lines before it parses: they are never counted as not parsing. */
    @Test
    void skipListedLinesAreNotCountedAsNotParsing() throws Exception {
        Path file = dir.resolve("kern.log");
        append(file, "audit: junk without a stamp\n" + "garbage\n" + line("one"));

        follow(file, Instant.EPOCH, new FileLineFormat("^.{15}", "kernel: (?:\\[\\s*[\\d.]+\\] )?(.*)", "Jan _2 15:04:05", ZoneOffset.UTC, clock),
                List.of("audit:"));

        awaitSeen("one");
        assertThat(unparsed.get()).isEqualTo(1);
    }

    /** A log removed for good makes the source unusable after the grace; a new file makes it usable and is read. */
    @Test
    void aFileRemovedAndNotRecreatedMakesTheSourceUnusableUntilItIsBack() throws Exception {
        Path file = dir.resolve("kern.log");
        append(file, line("one"));
        follow(file, Instant.EPOCH);
        awaitSeen("one");

        Files.delete(file);
        awaitTrue("the absence said", WAIT, () -> {
            clock.advance(Duration.ofSeconds(5));
            return said.size() == 2;
        });
        assertThat(said.getLast()).startsWith("unusable LogSourceUnavailable: file " + file + " removed and not recreated (gone since ")
                .endsWith("; it is read from its start once it is there again; check logPath, or the hostPath mount of the agent's pod");

        append(file, line("two"));

        awaitSeen("one", "two");
        assertThat(said).hasSize(3).last().isEqualTo("usable");
    }
}
