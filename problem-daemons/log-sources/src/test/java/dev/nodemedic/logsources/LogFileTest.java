package dev.nodemedic.logsources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
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

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private LogFile file;
    private Thread thread;

    /** Records each line as text, and each time the file was opened. */
    private final LogFile.Sink sink = new LogFile.Sink() {
        @Override
        public void line(byte[] bytes, int from, int to, int lastMarker) {
            seen.add(new String(bytes, from, to - from, StandardCharsets.UTF_8));
        }

        @Override
        public void opened() {
            opened.incrementAndGet();
        }
    };

    private void follow(Path path, LogFile.Start start) {
        file = new LogFile(path, -1, Duration.ofMillis(50), ADVICE, System.getLogger("test"));
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
        LogFile missing = new LogFile(log, -1, Duration.ofMillis(50), ADVICE, System.getLogger("test"));
        assertThat(catchThrowable(() -> missing.follow(sink, LogFile.Start.END)))
                .isInstanceOf(IOException.class).hasMessage(log + " does not exist; " + ADVICE);
        Path inMissingDirectory = dir.resolve("no-dir").resolve("kern.log");
        LogFile noDirectory = new LogFile(inMissingDirectory, -1, Duration.ofMillis(50), ADVICE, System.getLogger("test"));
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
}
