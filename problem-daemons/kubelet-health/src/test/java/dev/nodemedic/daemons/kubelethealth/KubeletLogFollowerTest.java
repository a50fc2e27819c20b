package dev.nodemedic.daemons.kubelethealth;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A journalctl that keeps dying is started again, with a backoff that doubles up to its bound. */
class KubeletLogFollowerTest {
    @TempDir
    Path dir;
    private final List<Duration> retries = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private KubeletLogFollower follower;

    /** Records what the follower reports. */
    private final KubeletLogFollower.Listener listener = new KubeletLogFollower.Listener() {
        @Override
        public void unavailable(String why, Duration retryIn) {
            retries.add(retryIn);
        }

        @Override
        public void following() {
        }

        @Override
        public void line(String line) {
            lines.add(line);
        }
    };

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.stop();
        }
    }

    private Path journalctl(String script) throws IOException {
        Path path = dir.resolve("journalctl");
        Files.writeString(path, "#!/bin/sh\necho started >> '" + dir.resolve("starts") + "'\n" + script + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private long starts() {
        try {
            return Files.exists(dir.resolve("starts")) ? Files.readAllLines(dir.resolve("starts")).size() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void follow(Path journalctl, Duration first, Duration max) {
        follower = new KubeletLogFollower(new JournalSource(journalctl, "kubelet", Optional.empty()), listener, first, max,
                System.getLogger("test.kubelet-log"));
        follower.start(Thread.ofPlatform().daemon()::unstarted);
    }

    @Test
    void aDyingJournalctlIsRestartedWithABackoffThatDoublesToItsBound() throws Exception {
        follow(journalctl("exit 1"), Duration.ofMillis(10), Duration.ofMillis(40));

        awaitTrue("five starts of journalctl", Duration.ofSeconds(10), () -> starts() >= 5);

        assertThat(retries.subList(0, 4)).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(40));
    }

    @Test
    void aJournalctlThatReadLinesBeforeDyingIsRetriedSoonAgain() throws Exception {
        follow(journalctl("echo 'I0610 kubelet.go:2329] line'\nexit 1"), Duration.ofMillis(10), Duration.ofMillis(40));

        awaitTrue("four starts of journalctl", Duration.ofSeconds(10), () -> starts() >= 4);

        assertThat(retries.subList(0, 3)).containsOnly(Duration.ofMillis(10));
        assertThat(lines).contains("I0610 kubelet.go:2329] line");
    }

    @Test
    void afterStopNothingIsStartedAgain() throws Exception {
        follow(journalctl("exit 1"), Duration.ofMillis(10), Duration.ofMillis(10));
        awaitTrue("two starts of journalctl", Duration.ofSeconds(10), () -> starts() >= 2);

        follower.stop();
        long stoppedAt = follower.starts();

        assertThat(follower.awaitEnd(Duration.ofSeconds(10))).as("the follower's thread ended").isTrue();
        assertThat(follower.starts()).isLessThanOrEqualTo(stoppedAt + 1);
    }
}
