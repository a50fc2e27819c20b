package dev.nodemedic.daemons.kernellog.source;

import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.Journal;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows the systemd journal through the agent's one journal reader ({@code DaemonContext.journal()}),
 * filtered as NPD's journald plugin is: by {@code SYSLOG_IDENTIFIER}, or the kernel transport for the
 * kernel log. The agent runs the one {@code journalctl} of the node, starts it again after its cursor
 * when it dies, and tells this source when the journal cannot be read.
 *
 * <p>Entries arrive on the subscription's thread, one at a time, which thus plays the reader thread's
 * part for the daemon's engine; {@link #run} only waits. A journal that cannot be read once it was
 * followed does not end the source: the agent's reader keeps its cursor and tries again, so the sink
 * hears {@link LineSink#unusable} ({@link LineSink#SOURCE_UNAVAILABLE}, with the agent's words and when it
 * tries again) and {@link LineSink#usable} once entries come again from after the last one handed on.
 * Ending the source instead would restart the daemon, which reads again from its lookback: lines counted
 * twice, or lost.
 */
public final class JournaldSource implements LogSource {
    private final Journal.Query query;
    private final System.Logger logger;
    private final CountDownLatch answered = new CountDownLatch(1);
    private final CountDownLatch sinkReady = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Journal.Subscription subscription;
    private volatile LineSink sink;
    private volatile boolean following;
    private volatile String unavailable = "";
    private volatile boolean closed;

    private JournaldSource(Journal.Query query, System.Logger logger) {
        this.query = query;
        this.logger = logger;
    }

    /**
     * Subscribes to {@code query} from {@code startTime} and waits, up to {@code wait}, for the agent to
     * say whether the journal can be read: a source counts only once it can deliver, or a node whose agent
     * reads nothing would look healthy.
     *
     * @throws IOException with the agent's words when the journal cannot be read or did not answer in time
     */
    public static JournaldSource follow(Journal journal, Journal.Query query, Instant startTime, Duration wait, System.Logger logger)
            throws IOException, InterruptedException {
        JournaldSource source = new JournaldSource(query, logger);
        source.subscription = journal.follow(query, Journal.Position.since(startTime), source.new Subscriber());
        if (!source.answered.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            source.close();
            throw new IOException("the agent's journal did not say within " + wait.toMillis() + " ms whether it can be read (" + source.describe() + ")");
        }
        if (!source.following) {
            source.close();
            throw new IOException(source.unavailable);
        }
        return source;
    }

    @Override
    public String describe() {
        return "journald " + query;
    }

    /** Waits until closed, or until the agent says it will not try the journal again (then it throws, with the agent's words). */
    @Override
    public void run(LineSink sink) throws IOException, InterruptedException {
        this.sink = sink;
        sinkReady.countDown();
        ended.await();
        if (!closed && !unavailable.isEmpty()) {
            throw new IOException(unavailable + " (" + describe() + ")");
        }
    }

    @Override
    public void close() {
        closed = true;
        Journal.Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        sinkReady.countDown();
        ended.countDown();
    }

    /** What the agent's reader says, on the subscription's thread. */
    private final class Subscriber implements Journal.Subscriber {
        /** Whether follow() had its answer: what comes after it is the sink's to hear. Only this thread touches it. */
        private boolean answeredYet;
        /** The agent's words since the journal could not be read, to log only a change; empty while it is read. Only this thread touches it. */
        private String logged = "";
        /** Whether the agent dropped entries for this source before: only the first drop is logged, the agent counts them all. Only this thread touches it. */
        private boolean missedBefore;

        @Override
        public void following() {
            if (!answeredYet) {
                answeredYet = true;
                following = true;
                answered.countDown();
                return;
            }
            following = true;
            unavailable = "";
            if (!logged.isEmpty()) {
                logged = "";
                logger.log(Level.INFO, "kernel-log follows the journal again, from after the last entry read source=\"{0}\"", describe());
            }
            LineSink lines = readySink();
            if (lines != null) {
                lines.usable();
            }
        }

        @Override
        public void entry(Journal.Entry entry) {
            String message = entry.message().strip();
            LineSink lines = readySink();
            if (lines == null || message.isEmpty()) {
                return;
            }
            lines.line(entry.realtime(), message);
        }

        @Override
        public void caughtUp() {
            LineSink lines = readySink();
            if (lines != null) {
                lines.caughtUp();
            }
        }

        @Override
        public void unavailable(String why, Duration retryIn) {
            unavailable = why;
            if (!answeredYet) {
                answeredYet = true;
                answered.countDown();
                return;
            }
            if (retryIn.isZero()) {
                // The agent will not try again (it is stopping): nothing will resume, so the source ends with why.
                ended.countDown();
                return;
            }
            if (!why.equals(logged)) {
                // The agent says it again at each retry: a warning when its words change, not one per retry.
                logged = why;
                logger.log(Level.WARNING, "kernel-log cannot read the journal for now, its conditions are Unknown until the agent's reader follows again source=\"{0}\" why=\"{1}\" retryIn={2}",
                        describe(), why, GoDuration.formatShort(retryIn));
            }
            LineSink lines = readySink();
            if (lines != null) {
                // When it is tried again is part of the words: a changed retry time writes the condition again,
                // until the agent's backoff reaches its ceiling and the words stay the same.
                lines.unusable(LineSink.SOURCE_UNAVAILABLE, describe() + " cannot be read for now: " + why + "; the agent tries again in "
                        + GoDuration.formatShort(retryIn) + " and resumes after the last line read, so nothing is counted twice or lost");
            }
        }

        @Override
        public void missed(long count) {
            if (!missedBefore) {
                missedBefore = true;
                logger.log(Level.WARNING, "kernel-log fell behind the journal, entries dropped (first time; counted in nodemedic_journal_entries_missed_total) source=\"{0}\" dropped={1}",
                        describe(), count);
            }
        }

        /**
         * The daemon's sink once its reader took the source over (what comes before waits for it, in order), or
         * null once the source is closed.
         */
        private LineSink readySink() {
            try {
                sinkReady.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            return closed ? null : sink;
        }
    }
}
