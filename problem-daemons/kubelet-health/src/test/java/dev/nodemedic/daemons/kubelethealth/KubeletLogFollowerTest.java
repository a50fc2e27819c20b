package dev.nodemedic.daemons.kubelethealth;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubelet log file that cannot be followed is tried again, with a backoff that doubles up to its
 * bound. (The journal is retried by the agent's journal reader, tested in detector-core.)
 */
class KubeletLogFollowerTest {
    @TempDir
    Path dir;
    private final List<Duration> retries = new CopyOnWriteArrayList<>();
    private final List<String> why = new CopyOnWriteArrayList<>();
    private KubeletLogFollower follower;

    /** Records what the follower reports. */
    private final KubeletLogSource.Sink sink = new KubeletLogSource.Sink() {
        @Override
        public void unavailable(String reason, Duration retryIn) {
            why.add(reason);
            retries.add(retryIn);
        }

        @Override
        public void following() {
        }

        @Override
        public void line(String line) {
        }
    };

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.stop();
        }
    }

    private void follow(Duration first, Duration max) {
        // Its directory is not there: every start fails at once.
        KubeletLogFile missing = new KubeletLogFile(dir.resolve("no-such-dir").resolve("kubelet.log"), Duration.ofMillis(10), Clock.systemUTC(),
                System.getLogger("test.kubelet-log"));
        follower = new KubeletLogFollower(missing, sink, first, max, System.getLogger("test.kubelet-log"));
        follower.start(Thread.ofPlatform().daemon()::unstarted);
    }

    @Test
    void aFileThatCannotBeFollowedIsTriedAgainWithABackoffThatDoublesToItsBound() throws Exception {
        follow(Duration.ofMillis(10), Duration.ofMillis(40));

        awaitTrue("five starts", Duration.ofSeconds(10), () -> follower.starts() >= 5);

        // A copy: the follower goes on retrying, and a live view of the list would fail while it grows.
        assertThat(List.copyOf(retries).subList(0, 4)).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(40));
        assertThat(why.getFirst()).contains("does not exist; check pleg.logFile and the hostPath mount of the agent's pod");
    }

    @Test
    void afterStopNothingIsStartedAgain() throws Exception {
        follow(Duration.ofMillis(10), Duration.ofMillis(10));
        awaitTrue("two starts", Duration.ofSeconds(10), () -> follower.starts() >= 2);

        follower.stop();
        long stoppedAt = follower.starts();

        assertThat(follower.awaitEnd(Duration.ofSeconds(10))).as("the follower's thread ended").isTrue();
        assertThat(follower.starts()).isLessThanOrEqualTo(stoppedAt + 1);
    }
}
