package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.logsources.LogFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A file the kubelet logs to, followed by {@link LogFile} (shared with kernel-log) through appends,
 * rotation and truncation, each line decoded for {@link PlegLine}.
 */
final class KubeletLogFile implements KubeletLogSource {
    private final LogFile file;
    private final Duration poll;
    /**
     * Only a file that is there when following starts is read from its end: the kubelet's past is not news.
     * After a failure the follow resumes where it stopped when the file is the same one (same inode, not
     * truncated): read from its start, the whole log would come again, and old PLEG lines would be taken
     * for new trouble. A file that replaced it, or appears later, is new and read from its start.
     */
    private boolean startedBefore;

    KubeletLogFile(Path path, Duration poll, Clock clock, System.Logger logger) {
        this.file = new LogFile(path, -1, poll, "check pleg.logFile and the hostPath mount of the agent's pod", clock, logger);
        this.poll = poll;
    }

    @Override
    public String describe() {
        return file.describe();
    }

    @Override
    public void follow(Sink sink) throws IOException, InterruptedException {
        LogFile.Start start = startedBefore ? LogFile.Start.RESUME : LogFile.Start.END;
        startedBefore = true;
        file.follow(new LogFile.Sink() {
            @Override
            public void opened() {
                sink.following();
            }

            @Override
            public void line(byte[] bytes, int from, int to, int lastMarker) {
                sink.line(new String(bytes, from, to - from, StandardCharsets.UTF_8));
            }

            @Override
            public void missing(String why) {
                // Still followed: a file that appears is seen at once through the directory's watch, at the latest by its poll.
                sink.unavailable(why, poll);
            }
        }, start);
    }

    @Override
    public void close() {
        file.close();
    }
}
