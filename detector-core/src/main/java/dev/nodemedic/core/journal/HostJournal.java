package dev.nodemedic.core.journal;

import dev.nodemedic.daemon.api.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The agent's one reader of the node's journal, shared by every daemon that follows it
 * ({@code DaemonContext.journal()}): one {@link JournalReader}, so one {@code journalctl} child, per
 * journal that is followed (the host's; a journal directory a config names is another journal and
 * gets its own). Started by the first subscription to a journal, ended by its last.
 */
public final class HostJournal implements Journal, AutoCloseable {
    private final Journalctl journalctl;
    private final Clock clock;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration checkLimit;
    private final int queueEntries;
    private final Map<Optional<Path>, JournalReader> readers = new HashMap<>();
    /** Set by {@link #close()}; guarded by {@link #readers}. */
    private boolean closed;

    /**
     * @param firstBackoff the first wait before a journal that could not be read is tried again; doubling from there
     * @param maxBackoff   the longest such wait
     * @param checkLimit   how long journalctl may take to show that the journal holds an entry
     * @param queueEntries how many entries may wait for one subscriber before they are dropped for it
     */
    public HostJournal(Journalctl journalctl, Clock clock, Duration firstBackoff, Duration maxBackoff, Duration checkLimit, int queueEntries) {
        this.journalctl = journalctl;
        this.clock = clock;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.checkLimit = checkLimit;
        this.queueEntries = queueEntries;
    }

    /**
     * A node's: the {@code journalctl} on the agent's PATH; a journal that cannot be read is tried again after
     * 1 s, doubling to a minute (well inside the kubelet's PLEG threshold of 3 minutes, and nothing is lost: it
     * resumes after its cursor); journalctl {@code --lines=1} answers in milliseconds from the journal's tail,
     * so 5 s for it leaves room within the agent's 10 s bound on a daemon's start.
     */
    public static HostJournal forNode(Clock clock) {
        return new HostJournal(new Journalctl("journalctl"), clock, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(5), QUEUE_ENTRIES);
    }

    @Override
    public Subscription follow(Query query, Position from, Subscriber subscriber) {
        JournalReader reader;
        synchronized (readers) {
            reader = readers.computeIfAbsent(query.directory(),
                    dir -> new JournalReader(journalctl, dir, clock, firstBackoff, maxBackoff, checkLimit, queueEntries));
            if (closed) {
                // A journal first followed after close(): closed as the others were, so no journalctl starts for an
                // agent that is stopping, and its subscriber hears so.
                reader.close();
            }
        }
        return reader.subscribe(query, from, subscriber);
    }

    @Override
    public long read(Query query, Instant since, Instant until, Duration limit, Consumer<Entry> entries) throws IOException, InterruptedException {
        if (query.directory().isPresent() && !Files.isDirectory(query.directory().get())) {
            // journalctl --directory on a missing folder reads nothing and exits 0: a blind count would read as healthy.
            throw new IOException(query.directory().get() + " is not a directory; mount the host's journal there");
        }
        journalctl.requireInstalled();
        long handed = since.isAfter(until) ? 0 : journalctl.readWindow(query, since, until, limit, entries);
        if (handed == 0) {
            // An entry handed on shows the journal is there. Without one, journalctl's JSON output cannot tell an empty
            // window from no journal at all (it prints nothing and exits 0 for both), and only then is it asked for any entry.
            journalctl.requireEntries(query.directory(), checkLimit);
        }
        return handed;
    }

    /** journalctl followers started for every journal so far (tests, and the footprint bench). */
    long starts() {
        synchronized (readers) {
            return readers.values().stream().mapToLong(JournalReader::starts).sum();
        }
    }

    /** Ends every journalctl child; subscribers hear nothing more. */
    @Override
    public void close() {
        List<JournalReader> all;
        synchronized (readers) {
            closed = true;
            all = List.copyOf(readers.values());
        }
        all.forEach(JournalReader::close);
    }
}
