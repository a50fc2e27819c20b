package dev.nodemedic.daemon.api;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The node's systemd journal, read by the agent for every daemon that follows it (since 1.5.0): one
 * reader per node instead of one {@code journalctl} per daemon. Get it from {@link DaemonContext#journal()}
 * (or {@link CommandContext#journal()} in a command).
 *
 * <p>A daemon {@linkplain #follow follows} a {@link Query} (the kernel's lines, a systemd unit, a
 * {@code SYSLOG_IDENTIFIER}, ...) from a {@link Position}, and its {@link Subscriber} hears, on a thread
 * the agent gives that subscription and in journal order: {@code following()} once the journal is open,
 * each matching entry, and {@code unavailable(why, retryIn)} whenever the journal cannot be read
 * (no {@code journalctl}, no journal mounted, a journal without a single entry), which the daemon
 * should turn into {@code Unknown} conditions with that why: silence is never health. The agent keeps
 * trying and says {@code following()} again when it can read again, resuming where it stopped.
 *
 * <p>A subscriber that falls behind does not hold up the others: each subscription has a bounded queue
 * ({@link #QUEUE_ENTRIES} entries), and the entries that do not fit are dropped for that subscriber and
 * counted; it hears how many through {@link Subscriber#missed} before its next entry.
 *
 * @since 1.5.0
 */
public interface Journal {
    /** How many entries may wait for one subscriber; more are dropped for it (and counted), never for the others. */
    int QUEUE_ENTRIES = 4096;

    /**
     * Starts following {@code query} from {@code from}. Returns at once; everything the subscriber hears
     * comes on the subscription's own thread. Close the subscription in {@link ProblemDaemon#stop}; the
     * agent closes whatever a stopped or failed instance left open, and a subscriber that throws fails
     * its instance as a thread of the context would.
     */
    Subscription follow(Query query, Position from, Subscriber subscriber);

    /**
     * Hands {@code entries}, on the calling thread, the entries of {@code query} from {@code since} to
     * {@code until} (both included), oldest first, once, without following: what a command that counts
     * recent lines needs (NPD's {@code log-counter}, the health checker's {@code --log-pattern}).
     *
     * @param limit how long the read may take in all
     * @return how many entries were handed on
     * @throws IOException when the journal cannot be read (saying why and what to do), holds no entry at
     *                     all (a journal that is not mounted reads as empty, which must not pass for a quiet
     *                     node), or the read ran past {@code limit}
     */
    long read(Query query, Instant since, Instant until, Duration limit, Consumer<Entry> entries) throws IOException, InterruptedException;

    /**
     * A journal that cannot be read, for {@code why}: a host that shares none. Its subscribers hear
     * {@code unavailable(why, ...)} once; its reads throw.
     */
    static Journal unavailable(String why) {
        return new Journal() {
            @Override
            public Subscription follow(Query query, Position from, Subscriber subscriber) {
                Thread.ofVirtual().name("journal-unavailable").start(() -> subscriber.unavailable(why, Duration.ZERO));
                return () -> {
                };
            }

            @Override
            public long read(Query query, Instant since, Instant until, Duration limit, Consumer<Entry> entries) throws IOException {
                throw new IOException(why);
            }
        };
    }

    /**
     * Which entries: any of its terms, each a set of {@code FIELD=value} that must all hold (journalctl's
     * matches, {@code +} between terms), optionally in a journal directory other than the host's.
     *
     * @param terms     the alternatives; an entry matching any of them is delivered
     * @param directory a journal directory mounted into the agent's pod (journalctl's {@code --directory});
     *                  empty: the host's journal, found by {@code /etc/machine-id}. Subscriptions to the same
     *                  journal share one reader
     * @param fields    fields the subscriber wants in {@link Entry#fields()} besides the message and time
     */
    record Query(List<Map<String, String>> terms, Optional<Path> directory, Set<String> fields) {
        public Query {
            if (terms == null || terms.isEmpty()) {
                throw new IllegalArgumentException("a journal query needs at least one match, such as _TRANSPORT=kernel");
            }
            List<Map<String, String>> copied = new ArrayList<>();
            for (Map<String, String> term : terms) {
                if (term.isEmpty()) {
                    throw new IllegalArgumentException("a journal match term needs at least one FIELD=value");
                }
                term.forEach(Query::requireMatch);
                copied.add(Map.copyOf(term));
            }
            terms = List.copyOf(copied);
            directory = directory == null ? Optional.empty() : directory;
            fields = fields == null ? Set.of() : Set.copyOf(fields);
            fields.forEach(Query::requireFieldName);
        }

        /** The kernel's own lines, as {@code journalctl -k} (but of every boot the journal holds): {@code _TRANSPORT=kernel}. */
        public static Query kernel() {
            return field("_TRANSPORT", "kernel");
        }

        /** Lines a program logged under {@code identifier} (NPD's journald {@code source}): {@code SYSLOG_IDENTIFIER=identifier}. */
        public static Query identifier(String identifier) {
            return field("SYSLOG_IDENTIFIER", identifier);
        }

        /**
         * A systemd unit's lines, as {@code journalctl --unit} selects them: what the unit's processes
         * logged, and what systemd itself said about the unit (started, exited, restarted). A name without a
         * suffix is a {@code .service}, as for systemctl.
         */
        public static Query unit(String unit) {
            String name = unit.contains(".") ? unit : unit + ".service";
            return new Query(List.of(Map.of("_SYSTEMD_UNIT", name), Map.of("_PID", "1", "UNIT", name), Map.of("_PID", "1", "OBJECT_SYSTEMD_UNIT", name)),
                    Optional.empty(), Set.of());
        }

        /** Entries whose {@code name} is {@code value}. */
        public static Query field(String name, String value) {
            return new Query(List.of(Map.of(name, value)), Optional.empty(), Set.of());
        }

        /** Entries of this query or of {@code other} (whose directory and fields are taken too). */
        public Query or(Query other) {
            if (!directory.equals(other.directory) && other.directory.isPresent() && directory.isPresent()) {
                throw new IllegalArgumentException("journal queries of two directories cannot be joined: " + directory.get() + ", " + other.directory.get());
            }
            List<Map<String, String>> joined = new ArrayList<>(terms);
            other.terms.stream().filter(term -> !joined.contains(term)).forEach(joined::add);
            Set<String> wanted = new LinkedHashSet<>(fields);
            wanted.addAll(other.fields);
            return new Query(joined, directory.isPresent() ? directory : other.directory, wanted);
        }

        /** The same matches in the journal files under {@code journalDirectory} (journalctl's {@code --directory}). */
        public Query in(Path journalDirectory) {
            return new Query(terms, Optional.of(journalDirectory), fields);
        }

        /** The same matches, with {@code names} in each entry's {@link Entry#fields()}. */
        public Query withFields(String... names) {
            Set<String> wanted = new LinkedHashSet<>(fields);
            wanted.addAll(List.of(names));
            return new Query(terms, directory, wanted);
        }

        /** Whether an entry with these fields is one of this query's. */
        public boolean matches(Map<String, String> entryFields) {
            for (Map<String, String> term : terms) {
                boolean all = true;
                for (Map.Entry<String, String> match : term.entrySet()) {
                    if (!match.getValue().equals(entryFields.get(match.getKey()))) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }

        /** As journalctl's matches read: {@code _TRANSPORT=kernel + SYSLOG_IDENTIFIER=dockerd}, then the directory. */
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            for (Map<String, String> term : terms) {
                if (!text.isEmpty()) {
                    text.append(" + ");
                }
                StringBuilder one = new StringBuilder();
                new TreeMap<>(term).forEach((name, value) -> one.append(one.isEmpty() ? "" : " ").append(name).append('=').append(value));
                text.append(one);
            }
            return text + directory.map(dir -> " in " + dir).orElse("");
        }

        private static void requireMatch(String name, String value) {
            requireFieldName(name);
            Objects.requireNonNull(value, () -> "journal field " + name + " needs a value");
        }

        /** journald's rule for field names: upper case, digits and underscores, not starting with a digit. */
        private static void requireFieldName(String name) {
            if (name == null || !name.matches("_{0,2}[A-Z][A-Z0-9_]*")) {
                throw new IllegalArgumentException("journal field \"" + name + "\" is not a journal field name (upper case, digits and _, such as SYSLOG_IDENTIFIER)");
            }
        }
    }

    /** Where following starts. */
    sealed interface Position {
        /** Entries written from the moment of {@link #follow} on: what has not happened yet. */
        record FromNow() implements Position {
        }

        /** Entries whose realtime stamp is at or after {@code since} (NPD's {@code lookback}), then everything new. */
        record Since(Instant since) implements Position {
            public Since {
                Objects.requireNonNull(since, "since");
            }
        }

        static Position fromNow() {
            return new FromNow();
        }

        static Position since(Instant since) {
            return new Since(since);
        }
    }

    /**
     * One entry of the journal.
     *
     * @param realtime when it was logged ({@code __REALTIME_TIMESTAMP}, microseconds)
     * @param message  its {@code MESSAGE}, as logged (a binary message read as UTF-8); empty when it has none
     * @param fields   the fields the query asked for, those the entry has
     */
    record Entry(Instant realtime, String message, Map<String, String> fields) {
        public Entry {
            Objects.requireNonNull(realtime, "realtime");
            message = message == null ? "" : message;
            fields = fields == null ? Map.of() : Map.copyOf(fields);
        }

        /** An entry with no other fields, for tests. */
        public static Entry of(Instant realtime, String message) {
            return new Entry(realtime, message, Map.of());
        }

        /** A field the query asked for, if the entry has it. */
        public Optional<String> field(String name) {
            return Optional.ofNullable(fields.get(name));
        }
    }

    /** What a subscription hears, always on its own thread, one call at a time. */
    interface Subscriber {
        /** The journal is open: entries from the position on (or after the last one heard) will come. */
        default void following() {
        }

        /** One matching entry, in journal order. */
        void entry(Entry entry);

        /**
         * The journal cannot be read now, for {@code why} (journalctl's own words where it said any); the agent
         * tries again in {@code retryIn} (zero: it will not). Report the conditions that depend on it Unknown.
         */
        void unavailable(String why, Duration retryIn);

        /** {@code count} entries were dropped for this subscriber because it fell behind; the next one follows them. */
        default void missed(long count) {
        }

        /**
         * Every entry read for this subscriber so far has been handed on: none is waiting now. Said once after
         * a run of entries, not per entry, so a subscriber that counts entry by entry publishes its counts here,
         * once a batch. A journal that is read keeps going: more entries may follow.
         */
        default void caughtUp() {
        }
    }

    /**
     * A subscription; closing it ends it: its subscriber hears nothing after the call in progress, if one is,
     * and a reader with no subscription left ends its {@code journalctl}.
     */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
