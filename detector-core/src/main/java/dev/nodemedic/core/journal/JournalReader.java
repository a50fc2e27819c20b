package dev.nodemedic.core.journal;

import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.logsources.JournalLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One journal (the host's, or one directory), read by one {@code journalctl --follow} for every
 * subscription to it: the subscriptions' matches OR-ed with {@code +}, each entry handed to the
 * subscriptions it matches. The child starts with the first subscription and ends with the last.
 *
 * <p>A subscription whose matches or fields the running child does not cover, or that wants entries older than
 * it has read to, restarts it: after the last cursor when only new matches were added, else from the
 * oldest time wanted, with the entries up to the last cursor passed over for the subscriptions that
 * had them already. A child that dies after reading entries is started again after its cursor, and
 * nobody hears of it; one that cannot start, finds no journal, or dies before an entry makes every
 * subscriber hear {@code unavailable} with journalctl's words, and is tried again after a backoff that
 * doubles to a bound; once it reads again they hear {@code following} and get what they missed from
 * the cursor on.
 */
final class JournalReader {
    private static final Logger log = LoggerFactory.getLogger(JournalReader.class);

    private final Journalctl journalctl;
    private final Optional<Path> directory;
    private final Clock clock;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration checkLimit;
    private final int queueEntries;
    private final String name;
    private final AtomicLong starts = new AtomicLong();

    /** Every open subscription; guarded by {@code this}. */
    private final List<Delivery> subscribed = new ArrayList<>();
    /** The subscriptions the running child reads for: written under the lock, read per entry without it. */
    private volatile List<Delivery> served = List.of();
    /** Those that heard {@code following} since they last heard {@code unavailable}; guarded by {@code this}. */
    private final Set<Delivery> told = new LinkedHashSet<>();
    /** The terms the running child matches; guarded by {@code this}. */
    private List<Map<String, String>> covered = List.of();
    /** The fields the running child prints (its --output-fields, MESSAGE aside); guarded by {@code this}. */
    private Set<String> coveredFields = Set.of();
    /** The realtime of the last entry read, or where the stream starts; guarded by {@code this}. */
    private long readToMicros = Long.MAX_VALUE;
    /** The cursor of the last entry read, to start after; guarded by {@code this}. */
    private String cursor = "";
    /** Why the journal cannot be read right now, and when it is tried again; empty while it can. Guarded by {@code this}. */
    private String unavailable = "";
    private Duration retryIn = Duration.ZERO;
    private Thread thread;
    private Process process;
    private boolean restart;
    private boolean closed;

    JournalReader(Journalctl journalctl, Optional<Path> directory, Clock clock, Duration firstBackoff, Duration maxBackoff, Duration checkLimit,
            int queueEntries) {
        this.journalctl = journalctl;
        this.directory = directory;
        this.clock = clock;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.checkLimit = checkLimit;
        this.queueEntries = queueEntries;
        this.name = "journal" + directory.map(dir -> " " + dir).orElse("");
    }

    Journal.Subscription subscribe(Journal.Query query, Journal.Position from, Journal.Subscriber subscriber) {
        Instant since = switch (from) {
            case Journal.Position.FromNow now -> clock.instant();
            case Journal.Position.Since s -> s.since();
        };
        Delivery[] made = new Delivery[1];
        Delivery delivery = new Delivery(query, Journalctl.micros(since), subscriber, queueEntries, () -> unsubscribe(made[0]));
        made[0] = delivery;
        synchronized (this) {
            if (closed) {
                // Nothing is read for it again: it hears so once, on a thread that then ends. A delivery's thread
                // would wait for more until the subscriber closed the subscription, which one told this may never do.
                return Journal.unavailable("the agent is stopping").follow(query, from, subscriber);
            }
            delivery.start("journal-subscriber");
            subscribed.add(delivery);
            if (!unavailable.isEmpty()) {
                delivery.unavailable(unavailable, retryIn);
            }
            if (thread == null) {
                thread = Thread.ofPlatform().daemon(true).name("journal-reader").start(this::run);
            } else if (process != null && covered.containsAll(query.terms()) && coveredFields.containsAll(query.fields())
                    && delivery.sinceMicros() >= readToMicros) {
                // The running child already reads what it wants, with the fields it wants, from early enough: it joins without a restart.
                // A newcomer asking for a field the child does not print restarts it after the cursor, as one with new matches does.
                List<Delivery> more = new ArrayList<>(served);
                more.add(delivery);
                served = List.copyOf(more);
                told.add(delivery);
                delivery.following();
            } else {
                restart = true;
                endChild();
            }
            notifyAll();
        }
        return delivery;
    }

    private synchronized void unsubscribe(Delivery delivery) {
        subscribed.remove(delivery);
        told.remove(delivery);
        served = served.stream().filter(d -> d != delivery).toList();
        if (subscribed.isEmpty()) {
            // The last one gone: the child ends, and the thread with it.
            endChild();
            notifyAll();
        }
    }

    /** How many journalctl followers were started, the first included. */
    long starts() {
        return starts.get();
    }

    /** Ends the child and the thread for good; subscribers hear nothing more. */
    void close() {
        Thread t;
        List<Delivery> left;
        synchronized (this) {
            closed = true;
            endChild();
            notifyAll();
            t = thread;
            left = List.copyOf(subscribed);
        }
        left.forEach(Delivery::close);
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void endChild() {
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    private void run() {
        Duration backoff = firstBackoff;
        boolean checked = false;
        try {
            while (true) {
                synchronized (this) {
                    if (closed || subscribed.isEmpty()) {
                        reset();
                        return;
                    }
                }
                if (!checked) {
                    try {
                        journalctl.requireEntries(directory, checkLimit);
                        checked = true;
                    } catch (IOException e) {
                        backoff = fail(e.getMessage(), backoff);
                        continue;
                    }
                }
                Plan plan;
                Process p;
                synchronized (this) {
                    if (closed || subscribed.isEmpty()) {
                        continue;
                    }
                    plan = plan();
                    try {
                        p = journalctl.start(journalctl.follow(directory, plan.afterCursor(), plan.since(), plan.terms(), plan.fields()));
                    } catch (IOException e) {
                        checked = false;
                        backoff = fail(e.getMessage(), backoff);
                        continue;
                    }
                    starts.incrementAndGet();
                    process = p;
                    unavailable = "";
                    for (Delivery d : served) {
                        if (told.add(d)) {
                            d.following();
                        }
                    }
                }
                Run run = read(p, plan);
                int exit = p.waitFor();
                synchronized (this) {
                    process = null;
                    if (closed || subscribed.isEmpty() || restart) {
                        continue;
                    }
                }
                if (run.entries() > 0) {
                    // It read, then died (the journal rotated under it, killed, ...): again soon, after its cursor, and nobody hears of it.
                    backoff = firstBackoff;
                    log.warn("journalctl exited, started again after its last entry journal=\"{}\" exit={} entries={}", name, exit, run.entries());
                    sleep(firstBackoff);
                    continue;
                }
                // --follow never ends by itself: ending before any entry, even with status 0, means journalctl
                // could not follow this journal, and starting it again in silence would hide that.
                checked = false;
                backoff = fail(journalctl.binary() + " exited with status " + exit + " before it read any entry" + (run.words().isEmpty() ? "" : ": " + run.words())
                        + " (" + name + ")", backoff);
            }
        } catch (InterruptedException e) {
            synchronized (this) {
                endChild();
                reset();
            }
        }
    }

    /** Every subscriber hears why; waits the backoff (cut short by close or the last unsubscription); returns the next one. */
    private Duration fail(String why, Duration backoff) throws InterruptedException {
        List<Delivery> hear;
        synchronized (this) {
            if (unavailable.isEmpty() || !unavailable.equals(why)) {
                log.warn("journal cannot be read, its subscribers are told and it is tried again with backoff journal=\"{}\" why=\"{}\" in={}", name, why, backoff);
            }
            unavailable = why;
            retryIn = backoff;
            told.clear();
            hear = List.copyOf(subscribed);
        }
        hear.forEach(d -> d.unavailable(why, backoff));
        sleep(backoff);
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }

    /** Waits {@code wait} unless closed or left by every subscriber meanwhile. */
    private synchronized void sleep(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!closed && !subscribed.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * What the next child reads, and for whom; under the lock. After the cursor when every subscription has
     * had the stream up to it or wants nothing older; else from the oldest time a newcomer wants, and those
     * that had the stream pass over it up to the cursor.
     */
    private Plan plan() {
        restart = false;
        served = List.copyOf(subscribed);
        told.retainAll(served);
        List<Map<String, String>> terms = new ArrayList<>();
        Set<String> fields = new TreeSet<>();
        long earliest = Long.MAX_VALUE;
        for (Delivery d : served) {
            d.query().terms().stream().filter(t -> !terms.contains(t)).forEach(terms::add);
            fields.addAll(Journalctl.fieldsOf(d.query()));
            fields.addAll(d.query().fields());
            if (!d.caughtUp()) {
                earliest = Math.min(earliest, d.sinceMicros());
            }
        }
        covered = List.copyOf(terms);
        coveredFields = Set.copyOf(fields);
        if (!cursor.isEmpty() && earliest >= readToMicros) {
            return new Plan(covered, Set.copyOf(fields), cursor, Instant.EPOCH, List.of(), "", -1);
        }
        List<Delivery> passOver = cursor.isEmpty() ? List.of() : served.stream().filter(Delivery::caughtUp).toList();
        long since = Math.min(earliest, readToMicros == Long.MAX_VALUE ? Journalctl.micros(clock.instant()) : readToMicros);
        Plan plan = new Plan(covered, Set.copyOf(fields), "", Instant.EPOCH.plusNanos(Math.max(0, since) * 1000), passOver, cursor, readToMicros);
        if (cursor.isEmpty()) {
            readToMicros = since;
        }
        return plan;
    }

    /**
     * What one child reads: its matches and fields, from where; and who passes over the stream up to the
     * cursor they had it to (journal order may put an entry with an older time after a newer one, so the
     * cursor, not the time, ends the passing over; the time does only if the cursor was vacuumed away).
     */
    private record Plan(List<Map<String, String>> terms, Set<String> fields, String afterCursor, Instant since, List<Delivery> passOver,
                        String passOverCursor, long passOverMicros) {
    }

    /** What a child's run came to: the entries it read, and its last complaint. */
    private record Run(long entries, String words) {
    }

    private Run read(Process p, Plan plan) {
        long entries = 0;
        String words = "";
        boolean passing = !plan.passOver().isEmpty();
        long unparsed = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String text;
            while ((text = out.readLine()) != null) {
                if (text.isEmpty() || text.charAt(0) != '{') {
                    // journalctl's own complaints come on stderr, merged here
                    if (!text.isBlank()) {
                        words = Journalctl.firstWords(text);
                    }
                    continue;
                }
                JournalLine line;
                try {
                    line = JournalLine.parse(text, plan.fields());
                } catch (IllegalArgumentException e) {
                    if (unparsed++ == 0) {
                        log.warn("journal entry is not JSON as expected, skipped (first time this run) journal=\"{}\" why=\"{}\"", name, e.getMessage());
                    }
                    continue;
                }
                entries++;
                boolean passedOver = false;
                if (passing) {
                    if (line.cursor().equals(plan.passOverCursor())) {
                        passing = false;
                        passedOver = true;
                    } else if (line.realtimeMicros() > plan.passOverMicros()) {
                        passing = false;
                    } else {
                        passedOver = true;
                    }
                }
                List<Delivery> now = served;
                for (Delivery d : now) {
                    if (!(passedOver && plan.passOver().contains(d)) && d.wants(line)) {
                        d.offer(line);
                    }
                }
                if (!passing) {
                    // While passing over, the stream is behind the cursor: keep the cursor where the others had it.
                    synchronized (this) {
                        if (!line.cursor().isEmpty()) {
                            cursor = line.cursor();
                        }
                        readToMicros = line.realtimeMicros();
                    }
                    for (Delivery d : now) {
                        if (!d.caughtUp()) {
                            d.caughtUp(true);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The child was ended (a restart, the last unsubscription) or died: its exit status tells which.
        }
        return new Run(entries, words);
    }

    /** No subscription left: the next one starts afresh. Under the lock. */
    private void reset() {
        thread = null;
        process = null;
        served = List.of();
        told.clear();
        covered = List.of();
        coveredFields = Set.of();
        cursor = "";
        readToMicros = Long.MAX_VALUE;
        unavailable = "";
    }
}
