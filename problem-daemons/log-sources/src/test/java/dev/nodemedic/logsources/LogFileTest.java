package dev.nodemedic.logsources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nodemedic.daemon.api.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real file, changed the ways logrotate and people change it while it is followed. */
class LogFileTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ADVICE = "check logPath, or the hostPath mount of the agent's pod";

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Long> lineNumbers = new CopyOnWriteArrayList<>();
    private final List<String> missing = new CopyOnWriteArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private LogFile file;
    private Thread thread;

    /** Records each line as text with its number, each time the file was opened, and each absence reported. */
    private final LogFile.Sink sink = new LogFile.Sink() {
        @Override
        public void line(byte[] bytes, int from, int to, int lastMarker) {
            seen.add(new String(bytes, from, to - from, StandardCharsets.UTF_8));
            lineNumbers.add(file.lineNumber());
        }

        @Override
        public void opened() {
            opened.incrementAndGet();
        }

        @Override
        public void missing(String why) {
            missing.add(why);
        }
    };

    private void follow(Path path, LogFile.Start start) {
        follow(path, start, Duration.ofMillis(50));
    }

    private void follow(Path path, LogFile.Start start, Duration poll) {
        file = new LogFile(path, -1, poll, ADVICE, clock, System.getLogger("test"));
        thread = Thread.ofPlatform().name("log-file-test").start(() -> {
            try {
                file.follow(sink, start);
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (file != null) {
            file.close();
            thread.join(WAIT);
            assertThat(thread.isAlive()).as("follower thread ended after close").isFalse();
        }
    }

    private static void append(Path path, String text) throws IOException {
        Files.writeString(path, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private void awaitSeen(String... lines) throws InterruptedException {
        awaitTrue("lines " + List.of(lines) + ", seen " + seen, () -> seen.size() >= lines.length || failure.get() != null);
        assertThat(failure.get()).isNull();
        assertThat(seen).containsExactly(lines);
    }

    private void awaitOpened() throws InterruptedException {
        awaitTrue("the file to be opened", () -> opened.get() > 0 || failure.get() != null);
        assertThat(failure.get()).isNull();
    }

    @Test
    void readsTheFileThenWhatIsAppended() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "one\ntwo\r\n");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one", "two");

        append(log, "three\n");

        awaitSeen("one", "two", "three");
        assertThat(opened.get()).isEqualTo(1);
    }

    @Test
    void fromItsEndOnlyWhatIsAppendedIsReadAndAFileThatReplacesItFromItsStart() throws Exception {
        Path log = dir.resolve("kubelet.log");
        append(log, "old\n");
        follow(log, LogFile.Start.END);
        awaitOpened();

        append(log, "new\n");
        awaitSeen("new");
        Files.move(log, dir.resolve("kubelet.log.1"));
        append(log, "first of the new file\n");

        awaitSeen("new", "first of the new file");
    }

    @Test
    void aLineCountsOnlyOnceItsNewlineIsWritten() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "one\n");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one");

        append(log, "tw");
        append(log, "o\nthree\n");

        awaitSeen("one", "two", "three");
    }

    @Test
    void renamedAndRecreatedFileIsFollowedWithoutLossOrRepeat() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "one\n");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one");

        // logrotate's default: the writer still holds the old file and writes one more line there, the
        // last without its newline.
        try (FileChannel writer = FileChannel.open(log, StandardOpenOption.APPEND)) {
            Files.move(log, dir.resolve("kern.log.1"));
            writer.write(StandardCharsets.UTF_8.encode("two\nunfinished"));
        }
        append(log, "three\n");

        awaitSeen("one", "two", "unfinished", "three");
        append(log, "four\n");
        awaitSeen("one", "two", "unfinished", "three", "four");
        assertThat(file.rotations()).isEqualTo(1);
        // Lines are numbered per file, from its start.
        assertThat(lineNumbers).containsExactly(1L, 2L, 3L, 1L, 2L);
    }

    @Test
    void copyTruncateIsReadFromTheStartAgain() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "one\ntwo\nhalf a li");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one", "two");

        Files.copy(log, dir.resolve("kern.log.1"));
        try (FileChannel truncate = FileChannel.open(log, StandardOpenOption.WRITE)) {
            truncate.truncate(0);
        }
        awaitTrue("truncation noticed", () -> file.truncations() == 1);
        append(log, "three\n");

        // The line begun before the truncation is not glued to the first after it.
        awaitSeen("one", "two", "three");
    }

    @Test
    void deletedAndRecreatedFileIsReadFromItsStart() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "one\n");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one");

        Files.delete(log);
        append(log, "two\nthree\n");

        awaitSeen("one", "two", "three");
        assertThat(file.rotations()).isEqualTo(1);
    }

    @Test
    void aMissingFileOrDirectorySaysWhatToCheckAndTheFileIsReadOnceItIsThere() throws Exception {
        Path log = dir.resolve("kern.log");
        LogFile missing = new LogFile(log, -1, Duration.ofMillis(50), ADVICE, clock, System.getLogger("test"));
        assertThat(catchThrowable(() -> missing.follow(sink, LogFile.Start.END)))
                .isInstanceOf(IOException.class).hasMessage(log + " does not exist; " + ADVICE);
        Path inMissingDirectory = dir.resolve("no-dir").resolve("kern.log");
        LogFile noDirectory = new LogFile(inMissingDirectory, -1, Duration.ofMillis(50), ADVICE, clock, System.getLogger("test"));
        assertThat(catchThrowable(() -> noDirectory.follow(sink, LogFile.Start.END)))
                .isInstanceOf(IOException.class)
                .hasMessage(inMissingDirectory + " cannot be followed: its directory " + dir.resolve("no-dir") + " does not exist; " + ADVICE);

        // Followed again once the file is there, the same object reads it.
        append(log, "there now\n");
        file = missing;
        thread = Thread.ofPlatform().name("log-file-test").start(() -> {
            try {
                missing.follow(sink, LogFile.Start.BEGINNING);
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
        awaitSeen("there now");
    }

    /**
     * A file that keeps growing is polled, not watched write by write: each write to a watched file is
     * an event the JDK's watch thread takes and queues, which cost more than reading the lines.
     */
    @Test
    void aGrowingFileIsFollowedWithoutAWatchEventPerWrite() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "");
        follow(log, LogFile.Start.BEGINNING);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("line " + i);
            append(log, "line " + i + "\n");
            int read = i + 1;
            awaitTrue("line " + i, () -> seen.size() >= read);
        }

        assertThat(seen).containsExactlyElementsOf(expected);
        // Watched write by write, each of the 40 appends was one event.
        assertThat(file.writeEvents()).isLessThan(20);
    }

    @Test
    void manyLinesAppendedInBurstsArriveInOrder() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "");
        follow(log, LogFile.Start.BEGINNING);
        List<String> expected = new ArrayList<>();
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            expected.add("line " + i);
            burst.append("line ").append(i).append('\n');
            if (i % 997 == 0) {
                append(log, burst.toString());
                burst.setLength(0);
            }
        }
        append(log, burst.toString());

        awaitSeen(expected.toArray(String[]::new));
    }

    /**
     * Silence is never health: a file removed for good is reported once the grace has passed by the
     * clock, not at once (rotation recreates it within moments), and followed again once it is back.
     */
    @Test
    void aFileRemovedAndNotRecreatedIsReportedAfterTheGraceAndReadAgainOnceItIsBack() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "one\n");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one");

        Files.delete(log);
        awaitTrue("the removal noticed", () -> file.missingSince().isPresent());
        clock.advance(LogFile.MISSING_GRACE.minusSeconds(1));
        long reads = file.reads();
        awaitTrue("the reader to look again", () -> file.reads() > reads + 1);
        assertThat(missing).as("reported within the grace").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        awaitTrue("the absence reported", () -> !missing.isEmpty());
        assertThat(missing).containsExactly("file " + log + " removed and not recreated (gone since 2026-11-23T12:00:00Z, for more than 60s);"
                + " it is read from its start once it is there again; " + ADVICE);
        assertThat(opened.get()).isEqualTo(1);

        append(log, "two\n");
        awaitSeen("one", "two");
        awaitTrue("opened again", () -> opened.get() == 2);
        clock.advance(LogFile.MISSING_GRACE.multipliedBy(2));
        long again = file.reads();
        awaitTrue("the reader to look again", () -> file.reads() > again + 1);
        assertThat(missing).as("reported once per absence").hasSize(1);
        assertThat(failure.get()).isNull();
    }

    /**
     * The watch is on the directory: a busy neighbour in /var/log reports every write. Those events are
     * taken without a read of the followed file. The backstop poll is an hour here, so every read counted
     * is one a watch event caused.
     */
    @Test
    void aBusyNeighbourFileCausesNoRead() throws Exception {
        Path log = dir.resolve("kern.log");
        Path neighbour = dir.resolve("daemon.log");
        append(log, "");
        append(neighbour, "");
        follow(log, LogFile.Start.BEGINNING, Duration.ofHours(1));
        awaitOpened();
        awaitTrue("a neighbour's write taken", () -> {
            appendUnchecked(neighbour, "busy\n");
            return file.ignoredEvents() > 0;
        });
        long reads = file.reads();

        awaitTrue("many of the neighbour's writes taken", () -> {
            appendUnchecked(neighbour, "busy\n");
            return file.ignoredEvents() > 50;
        });

        assertThat(file.reads()).as("reads while only the neighbour was written").isEqualTo(reads);
        append(log, "one\n");
        awaitSeen("one");
    }

    /**
     * After a rename the writer still writes to the old file, under its rotation name: those writes wake
     * the reader (with an hour's backstop poll, nothing else would), and what they add is read.
     */
    @Test
    void writesToTheRenamedFileWakeTheReaderBeforeTheNewFileIsThere() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "");
        follow(log, LogFile.Start.BEGINNING, Duration.ofHours(1));
        awaitOpened();

        try (FileChannel writer = FileChannel.open(log, StandardOpenOption.APPEND)) {
            Files.move(log, dir.resolve("kern.log.1"));
            writer.write(StandardCharsets.UTF_8.encode("after the rename\n"));
            awaitSeen("after the rename");
        }
        append(log, "in the new file\n");

        awaitSeen("after the rename", "in the new file");
    }

    /**
     * A file that keeps growing is not asked for its identity at every wake-up, only when the watch
     * reports its name created or deleted (or once per backstop poll, an hour here). So the new file of a
     * rotation must be found from the watch's event while the old one still grows: its writer (a syslog
     * daemon before its HUP) keeps appending there, and both files' lines arrive, the old one's first.
     */
    @Test
    void aRotationIsNoticedWhileTheOldFileStillGrows() throws Exception {
        Path log = dir.resolve("kern.log");
        append(log, "");
        follow(log, LogFile.Start.BEGINNING, Duration.ofHours(1));
        awaitOpened();
        try (FileChannel writer = FileChannel.open(log, StandardOpenOption.APPEND)) {
            writer.write(StandardCharsets.UTF_8.encode("old 0\n"));
            awaitSeen("old 0");
            Files.move(log, dir.resolve("kern.log.1"));
            append(log, "new 0\n");
            // The old file grows every 5 ms until the new file's line is read: without the created
            // name's event the reader would stay on it for the hour.
            for (int i = 1; !seen.contains("new 0"); i++) {
                assertThat(i).as("writes to the old file before the new one was read").isLessThan(2_000);
                writer.write(StandardCharsets.UTF_8.encode("old " + i + "\n"));
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
        append(log, "new 1\n");

        awaitTrue("the new file's second line", () -> seen.contains("new 1"));
        List<String> fromOld = seen.stream().filter(line -> line.startsWith("old ")).toList();
        assertThat(seen.subList(0, fromOld.size())).as("the old file's lines first").isEqualTo(fromOld);
        assertThat(seen.subList(fromOld.size(), seen.size())).containsExactly("new 0", "new 1");
        assertThat(file.rotations()).isEqualTo(1);
    }

    /**
     * A follow that failed (here: the path was a directory for a while) and is followed again with RESUME
     * goes on where it stopped when the file is the same one: the line half written is read whole, and
     * nothing is read twice.
     */
    @Test
    void resumingAfterAFailureOnTheSameFileReadsOnlyWhatWasNotHandedOn() throws Exception {
        Path log = dir.resolve("kubelet.log");
        Path aside = dir.resolve("aside");
        append(log, "one\ntwo\nhal");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one", "two");

        Files.move(log, aside);
        Files.createDirectory(log);
        awaitTrue("the follow to fail", () -> failure.get() != null);
        assertThat(failure.get()).hasMessage(log + " is a directory, not a log file; " + ADVICE);
        thread.join(WAIT);
        Files.delete(log);
        Files.move(aside, log);
        append(log, "f\nthree\n");
        failure.set(null);
        resume();

        awaitSeen("one", "two", "half", "three");
        assertThat(lineNumbers).containsExactly(1L, 2L, 3L, 4L);
        assertThat(opened.get()).isEqualTo(2);
    }

    @Test
    void resumingOnAnotherFileReadsItFromItsStart() throws Exception {
        Path log = dir.resolve("kubelet.log");
        append(log, "one\n");
        follow(log, LogFile.Start.BEGINNING);
        awaitSeen("one");
        Files.move(log, dir.resolve("kubelet.log.1"));
        Files.createDirectory(log);
        awaitTrue("the follow to fail", () -> failure.get() != null);
        thread.join(WAIT);
        Files.delete(log);
        append(log, "new one\nnew two\n");

        failure.set(null);
        resume();

        awaitSeen("one", "new one", "new two");
        assertThat(lineNumbers).containsExactly(1L, 1L, 2L);
    }

    /** Follows again with the same object, as a caller does after a failure. */
    private void resume() {
        thread = Thread.ofPlatform().name("log-file-test").start(() -> {
            try {
                file.follow(sink, LogFile.Start.RESUME);
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    private static void appendUnchecked(Path path, String text) {
        try {
            append(path, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
