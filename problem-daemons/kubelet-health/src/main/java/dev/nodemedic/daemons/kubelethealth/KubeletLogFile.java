package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.logsources.LogFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A file the kubelet logs to, followed by {@link LogFile} (shared with kernel-log) through appends,
 * rotation and truncation, each line decoded for {@link PlegLine}.
 */
final class KubeletLogFile implements KubeletLogSource {
    private final LogFile file;
    /**
     * Only a file that is there when following starts is read from its end: the kubelet's past is not news. One
     * that replaces it, or appears later (a follow after a failure), is new and read from its start.
     */
    private boolean startedBefore;

    KubeletLogFile(Path path, Duration poll, System.Logger logger) {
        this.file = new LogFile(path, -1, poll, "check pleg.logFile and the hostPath mount of the agent's pod", logger);
    }

    @Override
    public String describe() {
        return file.describe();
    }

    @Override
    public void follow(Sink sink) throws IOException, InterruptedException {
        LogFile.Start start = startedBefore ? LogFile.Start.BEGINNING : LogFile.Start.END;
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
        }, start);
    }

    @Override
    public void close() {
        file.close();
    }
}
