package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The kubelet's unit in the systemd journal, followed through the agent's one journal reader
 * ({@code DaemonContext.journal()}, daemon-api 1.5.0) rather than a journalctl of this daemon's own:
 * the agent runs one journalctl for every daemon of the node, starts it again after its cursor when it
 * dies, and says when the journal cannot be read. It follows from now: PLEG trouble from before the
 * agent started is not news. The entries' messages are the kubelet's own lines.
 */
final class KubeletJournal implements KubeletLogSource {
    private final Journal journal;
    private final String unit;
    private final Journal.Query query;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Journal.Subscription subscription;

    KubeletJournal(Journal journal, String unit, Optional<Path> directory) {
        this.journal = journal;
        this.unit = unit;
        Journal.Query ofUnit = Journal.Query.unit(unit);
        this.query = directory.map(ofUnit::in).orElse(ofUnit);
    }

    Journal.Query query() {
        return query;
    }

    @Override
    public String describe() {
        return "journal of " + unit + query.directory().map(dir -> " in " + dir).orElse("");
    }

    /** Subscribes and waits until closed: the agent's reader hands {@code sink} what it reads, on its own thread, through every restart. */
    @Override
    public void follow(Sink sink) throws InterruptedException {
        Journal.Subscription s = journal.follow(query, Journal.Position.fromNow(), new Journal.Subscriber() {
            @Override
            public void following() {
                sink.following();
            }

            @Override
            public void entry(Journal.Entry entry) {
                sink.line(entry.message());
            }

            @Override
            public void unavailable(String why, Duration retryIn) {
                sink.unavailable(why + "; or set pleg.logFile to the file the kubelet logs to", retryIn);
            }
        });
        subscription = s;
        try {
            closed.await();
        } finally {
            s.close();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        Journal.Subscription s = subscription;
        if (s != null) {
            s.close();
        }
    }
}
