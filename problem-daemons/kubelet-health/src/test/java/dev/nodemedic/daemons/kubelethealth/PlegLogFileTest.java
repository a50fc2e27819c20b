package dev.nodemedic.daemons.kubelethealth;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PLEG trouble read from a real file the kubelet logs to, appended, rotated and truncated while it is followed. */
class PlegLogFileTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

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

    private Path log() {
        return dir.resolve("kubelet.log");
    }

    private static String stalled(String ago) {
        return "E0610 17:39:22.920969 1980 kubelet.go:2353] \"Skipping pod synchronization\" err=\"PLEG is not healthy: pleg was last seen active "
                + ago + " ago; threshold is 3m0s\"";
    }

    private static void append(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void follow() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KubeletHealthConfig config = new KubeletHealthConfig(URI.create("http://127.0.0.1:" + port + "/healthz"), Duration.ofSeconds(1),
                Duration.ofMinutes(5), null, Optional.of(dir.resolve("kubelet.pem")), null, null, dir.resolve("no-systemctl"), null, null,
                new PlegConfig(Optional.of(log()), null, null, null, null), null);
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
        daemon.followKubeletLog();
    }

    private long linesRead() {
        return context.counted("kubelet_log_lines_read", Map.of("source", "file"));
    }

    /**
     * The file is read from its end once opened, so a test cannot know which of its own lines came too
     * early: it appends lines of no interest until one is read. They are longer than any PLEG line, so a
     * truncated file's next line is shorter than what was read.
     */
    private void awaitFollowing() throws InterruptedException {
        awaitTrue("the follower to open " + log(), WAIT, () -> {
            append(log(), "I0610 17:39:22.920920 1980 kubelet.go:2329] \"Starting kubelet main sync loop\" " + "x".repeat(400));
            return linesRead() > 0;
        });
    }

    private void awaitEvents(int count) throws InterruptedException {
        awaitTrue(count + " PLEG events", WAIT, () -> context.events().size() >= count);
    }

    private String[] messages() {
        return context.events().stream().map(Event::message).toArray(String[]::new);
    }

    @Test
    void theFileIsFollowedFromItsEndAsItIsAppended() throws Exception {
        append(log(), stalled("9m0s"));
        follow();
        awaitFollowing();

        append(log(), stalled("3m10s"));

        // Had the line from before the daemon started been read, it would be the first event.
        awaitEvents(1);
        assertThat(messages()).containsExactly("PLEG is not healthy: pleg was last seen active 3m10s ago; threshold is 3m0s");
        assertThat(context.condition("PLEGUnhealthy").status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aRotatedFileIsReadToItsEndThenTheNewOneFromItsStart() throws Exception {
        Files.writeString(log(), "");
        follow();
        awaitFollowing();

        // logrotate's default: rename, the writer still holding the old file, then a new file.
        Path rotated = dir.resolve("kubelet.log.1");
        Files.move(log(), rotated);
        append(rotated, stalled("3m1s"));
        append(log(), stalled("3m2s"));
        append(log(), stalled("3m3s"));

        awaitEvents(3);
        assertThat(messages()).containsExactly(
                "PLEG is not healthy: pleg was last seen active 3m1s ago; threshold is 3m0s",
                "PLEG is not healthy: pleg was last seen active 3m2s ago; threshold is 3m0s",
                "PLEG is not healthy: pleg was last seen active 3m3s ago; threshold is 3m0s");
    }

    @Test
    void aFileTruncatedInPlaceIsReadAgainFromItsStart() throws Exception {
        Files.writeString(log(), "");
        follow();
        awaitFollowing();

        // copytruncate: the same file, emptied, then written from its start.
        try (FileChannel channel = FileChannel.open(log(), StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        append(log(), stalled("3m4s"));

        awaitEvents(1);
        assertThat(messages()).containsExactly("PLEG is not healthy: pleg was last seen active 3m4s ago; threshold is 3m0s");
    }

    @Test
    void aMissingFileIsUnknownAndReadFromItsStartOnceItAppears() throws Exception {
        follow();

        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> context.condition("PLEGUnhealthy").status() == ConditionStatus.UNKNOWN);
        assertThat(context.condition("PLEGUnhealthy").reason()).isEqualTo("KubeletLogUnavailable");
        assertThat(context.condition("PLEGUnhealthy").message()).isEqualTo("the kubelet's log cannot be read for PLEG trouble: " + log()
                + " does not exist; check pleg.logFile and the hostPath mount of the agent's pod; retrying in 1s");

        append(log(), stalled("3m5s"));

        awaitTrue("the line of the file that appeared", Duration.ofSeconds(20), () -> context.events().size() == 1);
        assertThat(context.condition("PLEGUnhealthy").status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(context.failures()).isEmpty();
    }

    /**
     * A follow that fails (the path was a directory for a moment) is started again by the follower and
     * goes on where it stopped in the same file: read from its start, the kubelet's whole log would come
     * again, and an old PLEG line would be a new event.
     */
    @Test
    void afterAReadFailureTheSameFileIsReadOnFromWhereItStopped() throws Exception {
        Files.writeString(log(), "");
        follow();
        awaitFollowing();
        append(log(), stalled("3m1s"));
        awaitEvents(1);

        Path aside = dir.resolve("aside");
        Files.move(log(), aside);
        Files.createDirectory(log());
        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> context.condition("PLEGUnhealthy").status() == ConditionStatus.UNKNOWN);
        assertThat(context.condition("PLEGUnhealthy").message()).contains(log() + " is a directory, not a log file; check pleg.logFile");
        Files.delete(log());
        Files.move(aside, log());
        append(log(), stalled("3m2s"));

        awaitTrue("the line written after the failure", Duration.ofSeconds(20), () -> context.events().size() >= 2);
        assertThat(messages()).containsExactly(
                "PLEG is not healthy: pleg was last seen active 3m1s ago; threshold is 3m0s",
                "PLEG is not healthy: pleg was last seen active 3m2s ago; threshold is 3m0s");
        assertThat(context.condition("PLEGUnhealthy").status()).isEqualTo(ConditionStatus.FALSE);
    }

    /** Silence is never health: a log removed and not recreated makes the condition Unknown after a minute by the clock. */
    @Test
    void aFileRemovedAndNotRecreatedIsUnknownUntilItIsBack() throws Exception {
        Files.writeString(log(), "");
        follow();
        awaitFollowing();

        Files.delete(log());
        awaitTrue("PLEGUnhealthy to go Unknown", WAIT, () -> {
            clock.advance(Duration.ofSeconds(5));
            return context.condition("PLEGUnhealthy").status() == ConditionStatus.UNKNOWN;
        });
        assertThat(context.condition("PLEGUnhealthy").reason()).isEqualTo("KubeletLogUnavailable");
        assertThat(context.condition("PLEGUnhealthy").message()).startsWith("the kubelet's log cannot be read for PLEG trouble: file " + log()
                + " removed and not recreated (gone since ").contains("check pleg.logFile and the hostPath mount of the agent's pod");

        append(log(), stalled("3m6s"));

        awaitEvents(1);
        assertThat(messages()).containsExactly("PLEG is not healthy: pleg was last seen active 3m6s ago; threshold is 3m0s");
        assertThat(context.condition("PLEGUnhealthy").status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(context.failures()).isEmpty();
    }
}
