package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.GoDuration;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a {@link KubeletLogSource} following on its own thread: when the source fails (the file
 * vanished) it is started again after a backoff that doubles up to a bound and starts over once lines
 * flow again. Every failure is handed to the sink; it never ends the daemon. The journal does not
 * fail here: the agent's journal reader retries it and says so through {@link KubeletLogSource.Sink#unavailable}.
 */
final class KubeletLogFollower {
    private final KubeletLogSource source;
    private final KubeletLogSource.Sink sink;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final System.Logger logger;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong starts = new AtomicLong();
    private volatile Thread thread;

    KubeletLogFollower(KubeletLogSource source, KubeletLogSource.Sink sink, Duration firstBackoff, Duration maxBackoff, System.Logger logger) {
        this.source = source;
        this.sink = sink;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.logger = logger;
    }

    void start(ThreadFactory threads) {
        Thread t = threads.newThread(this::run);
        t.setName("kubelet-health-log");
        thread = t;
        t.start();
    }

    private void run() {
        Duration backoff = firstBackoff;
        boolean failing = false;
        while (stopped.getCount() > 0) {
            starts.incrementAndGet();
            LineCount counted = new LineCount(sink);
            String why;
            try {
                source.follow(counted);
                if (stopped.getCount() == 0) {
                    return;
                }
                why = source.describe() + " stopped following";
            } catch (IOException e) {
                why = e.getMessage();
            } catch (InterruptedException e) {
                return;
            }
            if (stopped.getCount() == 0) {
                return;
            }
            backoff = counted.lines > 0 ? firstBackoff : backoff;
            if (!failing || counted.lines > 0) {
                logger.log(Level.WARNING, "kubelet log cannot be followed, retrying with backoff source=\"{0}\" why=\"{1}\" in={2}",
                        source.describe(), why, GoDuration.formatShort(backoff));
            }
            failing = true;
            sink.unavailable(why, backoff);
            try {
                if (stopped.await(backoff.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    /** How often the source was started, the first time included. */
    long starts() {
        return starts.get();
    }

    /** Ends the source (and its process) and the thread; {@link #awaitEnd} waits for both. */
    void stop() {
        stopped.countDown();
        source.close();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits up to {@code limit} for the thread to end, and with it any process the source started; true if it did. */
    boolean awaitEnd(Duration limit) throws InterruptedException {
        Thread t = thread;
        return t == null || t.join(limit);
    }

    /** Counts a run's lines, so a source that read something before failing is retried soon. */
    private static final class LineCount implements KubeletLogSource.Sink {
        private final KubeletLogSource.Sink sink;
        /** Written by whichever thread delivers lines (the journal's is the agent's), read by the follower's once the run ended. */
        private volatile long lines;

        LineCount(KubeletLogSource.Sink sink) {
            this.sink = sink;
        }

        @Override
        public void following() {
            sink.following();
        }

        @Override
        public void line(String line) {
            lines++;
            sink.line(line);
        }

        @Override
        public void unavailable(String why, Duration retryIn) {
            sink.unavailable(why, retryIn);
        }
    }
}
