package dev.nodemedic.daemons.kubelethealth;

import java.io.IOException;
import java.time.Duration;

/** Where the kubelet's log lines come from: its unit in the systemd journal, or a file it logs to. */
sealed interface KubeletLogSource permits KubeletJournal, KubeletLogFile {

    /** Where a source hands what it reads. */
    interface Sink {
        /** The source is open and following; lines from now on will be seen. */
        void following();

        void line(String line);

        /**
         * The source cannot be read now, for {@code why}, and is tried again in {@code retryIn}: by the follower
         * when a file source failed, by the agent's journal reader for the journal (whose subscription stays open).
         */
        void unavailable(String why, Duration retryIn);
    }

    /**
     * Follows the log, handing each new line to {@code sink}, until {@link #close()} is called (then it
     * returns) or the source fails (then it throws, with a message naming the source and saying what to do).
     * The journal never throws: the agent's reader retries it and tells the sink.
     */
    void follow(Sink sink) throws IOException, InterruptedException;

    /** {@code journald} or {@code file}: a metric label with few values. */
    default String kind() {
        return switch (this) {
            case KubeletJournal _ -> "journald";
            case KubeletLogFile _ -> "file";
        };
    }

    /** For messages: {@code journal of kubelet.service}, {@code file /var/log/kubelet.log}. */
    String describe();

    /** Makes {@link #follow} return soon. Safe from any thread, more than once. */
    void close();
}
