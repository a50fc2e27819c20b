package dev.nodemedic.logsources;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log file followed through everything logrotate and people do to it:
 * <ul>
 * <li>appended: read as it grows; a line counts once its newline is there;</li>
 * <li>rotated by rename and create: the old file (still open) is read to its end, then the new one
 *     from its start;</li>
 * <li>deleted and recreated: the same, once the new file appears;</li>
 * <li>truncated in place (copytruncate): read again from the start;</li>
 * <li>removed and not recreated within {@link #MISSING_GRACE}: the sink hears of it
 *     ({@link Sink#missing}), since silence would look like a quiet, healthy log; once a file is there
 *     again it is read from its start and the sink hears {@link Sink#opened} again.</li>
 * </ul>
 * No line is read twice and none is lost, with one exception no tailer can avoid: with copytruncate,
 * lines written between the copy and the truncation are in neither file we can see. The file there
 * when following starts is read from its start or its end ({@link Start}); any file that replaces it is
 * new, and read from its start.
 *
 * <p>Lines are cut by {@link FileLines} and handed on as bytes, so what they mean (a stamp, a
 * message, a kubelet line) is the caller's. Changes are noticed through the directory's watch service
 * (inotify on Linux), with a poll as a backstop for file systems that do not report them; never by
 * sleeping a fixed time per line. The watch is on the directory, so it reports every file there: only
 * events for the followed file's name and its rotation names ({@code kern.log.1}, {@code kern.log-20261207}) wake the reader.
 */
public final class LogFile implements AutoCloseable {
    /** A longer line is cut here: a file without newlines must not take the agent's memory. */
    public static final int MAX_LINE_BYTES = FileLines.MAX_LINE_BYTES;
    /**
     * How long a change is left to gather more before it is read, inside the 50 ms latency goal (line
     * written to the reporter, p99). Every wake-up costs some 0.1 ms of CPU on a virtual machine before
     * anything is read (a thread that only waits 25 ms in a loop takes 0.3-0.45 % of a core there), so a
     * file that keeps growing is read 25 times a second rather than 40.
     */
    static final Duration COALESCE = Duration.ofMillis(40);
    /**
     * How long the followed file may be gone before the sink hears of it. Rotation (rename or delete, then
     * create) makes the new file within milliseconds, logrotate's {@code postrotate} signal within seconds; a
     * file still missing after a minute is not being rotated, and nothing will be read from it.
     */
    public static final Duration MISSING_GRACE = Duration.ofMinutes(1);

    /** Where the file that is there when following starts is read from. */
    public enum Start {
        /** All of it, as NPD's filelog plugin reads (its caller drops what is older than its lookback). */
        BEGINNING,
        /** Only what is appended from now on: the past is not news. */
        END,
        /**
         * Where the last {@link #follow} of this object stopped (it threw), when the file there is still the
         * one it read (same identity, and not shorter): from the start of the first line not handed on, so no
         * line is read twice or lost. Any other file, or a first follow, is read from its start.
         */
        RESUME
    }

    /** Where a followed file's lines go, as bytes valid only during the call (see {@link FileLines.Target}). */
    public interface Sink extends FileLines.Target {
        /** The file is open and followed: every line appended from now on will be handed on. */
        default void opened() {
        }

        /**
         * All that was read for now (a block of the file) has been handed on: what the sink counts line
         * by line may be published once a block rather than once a line.
         */
        default void caughtUp() {
        }

        /**
         * The file was removed and nothing has taken its place for {@link #MISSING_GRACE}: nothing will be
         * read until a file is there again (then {@link #opened()} is called again). Called once per
         * absence, on the follower's thread.
         *
         * @param why a sentence for people: {@code file /var/log/kern.log removed and not recreated ...}
         */
        default void missing(String why) {
        }
    }

    private final Path path;
    /** The followed file's name, to tell its watch events from its neighbours'. */
    private final String name;
    private final Duration poll;
    private final Clock clock;
    private final String advice;
    private final System.Logger logger;
    private final FileLines lines;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong truncations = new AtomicLong();
    private final AtomicLong writeEvents = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong ignoredEvents = new AtomicLong();
    private volatile boolean closed;
    private volatile WatchService watch;
    private long lastWake;
    private boolean watchingWrites;
    /** The file being read, its identity, and where its next block starts; set by {@link #follow}. */
    private FileChannel channel;
    private Object fileKey;
    private long at;
    /** Whether the last look read anything. */
    private boolean grew;
    /** The watch reported the followed name created or deleted (or lost events): the path is asked again. */
    private boolean statDue;
    /** When the path was last asked for its file ({@link System#nanoTime()}). */
    private long lastStat;
    /** The file last read and where its next line starts, for {@link Start#RESUME}; null before any file was opened. */
    private Object resumeKey;
    private long resumeAt;
    /** {@link FileLines#handedOn()} when the file being read was at its first line. */
    private long firstLine;
    /** Since when no file has been at the path (null: there is one), and whether the sink was told. */
    private volatile Instant missingSince;
    private boolean missingReported;

    /**
     * @param marker a byte whose last place in each line {@link FileLines} notes, or -1 for none
     * @param poll   the backstop: how long to wait for the watch service before looking at the file anyway
     * @param advice what to check when the file or its directory is missing, for the message
     *               ({@code check logPath, or the hostPath mount of the agent's pod})
     * @param clock  measures how long the file has been missing ({@link #MISSING_GRACE})
     */
    public LogFile(Path path, int marker, Duration poll, String advice, Clock clock, System.Logger logger) {
        this.path = Objects.requireNonNull(path);
        Path fileName = path.getFileName();
        this.name = fileName == null ? "" : fileName.toString();
        this.lines = new FileLines(marker);
        this.poll = poll;
        this.clock = clock;
        this.advice = advice;
        this.logger = logger;
    }

    public Path path() {
        return path;
    }

    /** For logs and messages: {@code file /var/log/kern.log}. */
    public String describe() {
        return "file " + path;
    }

    /**
     * Follows the file, handing each line to {@code sink}, until {@link #close()} is called (then it
     * returns) or the file cannot be followed (then it throws, with a message naming the file and
     * saying what to check). May be called again after it threw.
     */
    public void follow(Sink sink, Start start) throws IOException, InterruptedException {
        Path directory = path.toAbsolutePath().getParent();
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            watch = service;
            if (closed) {
                return;
            }
            try {
                watchWrites(directory, service, true);
            } catch (NoSuchFileException e) {
                throw new IOException(path + " cannot be followed: its directory " + directory + " does not exist; " + advice);
            }
            lines.reset();
            Opened opened = open();
            channel = opened.channel();
            fileKey = opened.key();
            position(start);
            sink.opened();
            grew = false;
            try {
                while (!closed) {
                    step(directory, service, sink);
                }
            } finally {
                channel.close();
            }
        } catch (ClosedWatchServiceException | ClosedChannelException e) {
            if (!closed) {
                throw new IOException(path + " stopped being readable: " + e, e);
            }
        }
    }

    /**
     * One look at the file and one wait. A method of its own so the JIT compiles it: the loop that calls
     * it turns some 25 times a second at most, too few for its body to be compiled in place, and ran
     * interpreted (a tenth of the reader's CPU at 1,000 lines/s).
     */
    private void step(Path directory, WatchService service, Sink sink) throws IOException, InterruptedException {
        if (readAvailable(sink) > 0) {
            grew = true;
        }
        // A file that grew is the same file, not shorter: asked again only when the watch reported its
        // name created or deleted, or once per backstop poll (a file system that reports nothing). Asking
        // every wake-up was a third of a growing file's system calls.
        if (!grew || statDue || System.nanoTime() - lastStat >= poll.toNanos()) {
            statDue = false;
            lastStat = System.nanoTime();
            BasicFileAttributes now = attributesOrNull();
            if (now == null) {
                // Renamed or deleted, and nothing in its place yet: rotation makes the new file at once.
                missing(sink);
            } else if (!Objects.equals(now.fileKey(), fileKey)) {
                // Renamed away (or deleted) and a new file in its place: finish the old one first.
                readAvailable(sink);
                // Opened before the old file's unfinished line is handed on: if the new one cannot be
                // opened, a RESUME of the old file reads that line whole, once.
                Opened opened = open();
                lines.finish(sink);
                channel.close();
                rotations.incrementAndGet();
                logger.log(Level.INFO, "log file replaced, reading the new one source={0}", path);
                channel = opened.channel();
                fileKey = opened.key();
                position(Start.BEGINNING);
                there(sink);
                return;
            } else {
                there(sink);
            }
            if (now != null && now.size() < at) {
                // Truncated in place (copytruncate): what follows is new.
                truncations.incrementAndGet();
                lines.reset();
                position(Start.BEGINNING);
                logger.log(Level.INFO, "log file truncated, reading it from the start source={0}", path);
                return;
            }
        }
        if (grew) {
            followGrowth(directory, service);
        } else if (!watchingWrites) {
            // Quiet again: writes are watched from now on, and the file is read once more for
            // what was written before the watch was back.
            watchWrites(directory, service, true);
        } else {
            awaitChange(service);
        }
        grew = false;
    }

    /** Sets where reading starts in a file just opened (or truncated), and numbers its lines from there. */
    private void position(Start start) throws IOException {
        boolean sameFile = Objects.equals(fileKey, resumeKey) && channel.size() >= resumeAt;
        at = switch (start) {
            case BEGINNING -> 0;
            case END -> channel.size();
            case RESUME -> sameFile ? resumeAt : 0;
        };
        if (start != Start.RESUME || !sameFile) {
            firstLine = lines.handedOn();
        }
        resumeKey = fileKey;
        resumeAt = at;
    }

    /**
     * The path has no file: the sink hears of it once it has lasted {@link #MISSING_GRACE} by the clock.
     * Checked on every wake-up, at the latest once per backstop poll.
     */
    private void missing(Sink sink) {
        Instant now = clock.instant();
        Instant since = missingSince;
        if (since == null) {
            missingSince = now;
        } else if (!missingReported && Duration.between(since, now).compareTo(MISSING_GRACE) >= 0) {
            missingReported = true;
            logger.log(Level.WARNING, "log file removed and not recreated, nothing is read until it is there again source={0} since={1}", path, since);
            sink.missing(describe() + " removed and not recreated (gone since " + since + ", for more than " + MISSING_GRACE.toSeconds()
                    + "s); it is read from its start once it is there again; " + advice);
        }
    }

    /** A file is at the path (again): a sink told it was missing hears that it is followed once more. */
    private void there(Sink sink) {
        if (missingSince == null) {
            return;
        }
        missingSince = null;
        if (missingReported) {
            missingReported = false;
            logger.log(Level.INFO, "log file there again, reading it source={0}", path);
            sink.opened();
        }
    }

    /** An open file and its identity (inode on Linux), to tell a replaced file from a grown one. */
    private record Opened(FileChannel channel, Object key) {
    }

    /**
     * Java cannot ask an open channel for its file's identity, so the path is asked before and after
     * opening; if the two differ the file was replaced meanwhile, and opening is tried again.
     */
    private Opened open() throws IOException {
        // A file replaced between every stat and open is being rotated in a loop; give up after a few.
        for (int attempt = 0; attempt < 10; attempt++) {
            BasicFileAttributes before = attributesOrNull();
            if (before == null) {
                throw new IOException(path + " does not exist; " + advice);
            }
            if (before.isDirectory()) {
                throw new IOException(path + " is a directory, not a log file; " + advice);
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue; // deleted since it was asked: ask again
            } catch (AccessDeniedException e) {
                throw new IOException(path + " cannot be read: permission denied; the agent needs read access to it", e);
            }
            BasicFileAttributes after = attributesOrNull();
            if (after != null && Objects.equals(before.fileKey(), after.fileKey())) {
                return new Opened(channel, before.fileKey());
            }
            channel.close();
        }
        throw new IOException(path + " was replaced again every time it was opened; whatever rotates it is looping");
    }

    private BasicFileAttributes attributesOrNull() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Whether the directory's watch reports writes (ENTRY_MODIFY), or only files created and deleted
     * (rotation). Registering the directory again replaces the kinds (inotify_add_watch with a new mask).
     */
    private void watchWrites(Path directory, WatchService service, boolean writes) throws IOException {
        if (writes) {
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } else {
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        }
        watchingWrites = writes;
    }

    /**
     * The file grew since the last wait: it is read again after {@link #COALESCE} without watching its
     * writes. Each write to a watched file is an inotify event that the JDK's watch thread takes and
     * queues (4.3 % of a core at 1,000 lines/s, against 1.3 % for reading and matching the lines); a
     * file that keeps growing is polled 25 times a second instead, and watched again once it is quiet.
     * Creations and deletions (rotation) still wake the reader at once.
     */
    private void followGrowth(Path directory, WatchService service) throws IOException, InterruptedException {
        if (watchingWrites) {
            watchWrites(directory, service, false);
        }
        awaitFollowedFile(service, COALESCE.toNanos());
        lastWake = System.nanoTime();
    }

    /**
     * Waits for the directory to report a change of the followed file (or for the backstop poll). Wake-ups
     * are kept at least {@link #COALESCE} apart, so a busy log is read in batches (one wake-up per line costs
     * several percent of a core at 1,000 lines/s) while a line after a quiet spell is read at once.
     */
    private void awaitChange(WatchService service) throws InterruptedException {
        if (awaitFollowedFile(service, poll.toNanos())) {
            long sinceLast = System.nanoTime() - lastWake;
            if (sinceLast < COALESCE.toNanos()) {
                TimeUnit.NANOSECONDS.sleep(COALESCE.toNanos() - sinceLast);
                // What came meanwhile is read now; left queued, it would wake the reader once more for nothing.
                WatchKey more = service.poll();
                if (more != null) {
                    take(more);
                }
            }
        }
        lastWake = System.nanoTime();
    }

    /**
     * Waits up to {@code nanos} for an event that concerns the followed file; events of other files in the
     * directory (a busy neighbour in {@code /var/log}) are taken and counted, and the wait goes on: they
     * must not cost a read. Returns whether such an event came (false: the time ran out).
     */
    private boolean awaitFollowedFile(WatchService service, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            WatchKey key = service.poll(left, TimeUnit.NANOSECONDS);
            if (key == null) {
                return false;
            }
            if (take(key)) {
                return true;
            }
        }
        return false;
    }

    /** Takes a key's events and re-arms it; true if one of them concerns the followed file. */
    private boolean take(WatchKey key) {
        boolean followed = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (concernsFollowed(event)) {
                followed = true;
                if (event.kind() == StandardWatchEventKinds.ENTRY_MODIFY) {
                    writeEvents.addAndGet(event.count());
                } else {
                    statDue = true;
                }
            } else {
                ignoredEvents.addAndGet(event.count());
            }
        }
        key.reset();
        return followed;
    }

    /**
     * Whether an event of the directory can change what is read: one of the followed file's name, or of
     * a rotation name ({@code kern.log.1}, {@code kern.log-20261207}: logrotate keeps the name as the prefix),
     * which the old file, still written by its writer, has after a rename; and a lost-events overflow.
     * A file renamed to a name of another shape is still noticed by the backstop poll.
     */
    private boolean concernsFollowed(WatchEvent<?> event) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW || !(event.context() instanceof Path changed)) {
            return true;
        }
        String other = changed.toString();
        return other.startsWith(name) && (other.length() == name.length() || other.charAt(name.length()) == '.' || other.charAt(name.length()) == '-');
    }

    /**
     * Reads what the file has now and hands on every complete line; returns the bytes read. Notes where
     * the next line starts, so a follow after a failure resumes there ({@link Start#RESUME}). Reads at
     * its own position ({@code pread}), so no system call asks the channel where it stands, and stops
     * at a read that did not fill the buffer: the end of what the file holds now, without one more read
     * to be told so.
     */
    private long readAvailable(Sink sink) throws IOException {
        reads.incrementAndGet();
        long total = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, at);
            if (n <= 0) {
                return total;
            }
            at += n;
            total += n;
            lines.read(buffer.array(), n, sink);
            resumeKey = fileKey;
            resumeAt = at - lines.pending();
            sink.caughtUp();
            if (n < buffer.capacity()) {
                return total;
            }
        }
    }

    /**
     * The number of the line being handed on (valid during {@link Sink#line}), from 1 at the file's start;
     * for a file followed from its {@link Start#END}, from where reading began.
     */
    public long lineNumber() {
        return lines.handedOn() - firstLine;
    }

    /** Files that replaced the followed one (renamed away or deleted, and created again). */
    long rotations() {
        return rotations.get();
    }

    /** Times the file was truncated in place. */
    long truncations() {
        return truncations.get();
    }

    /** Writes to the followed file the watch service reported (its ENTRY_MODIFY events, counted as it counts them). */
    long writeEvents() {
        return writeEvents.get();
    }

    /** Times the reader looked in the file for more: what a wake-up costs, whatever woke it. */
    long reads() {
        return reads.get();
    }

    /** Events of other files in the directory, taken without a read. */
    long ignoredEvents() {
        return ignoredEvents.get();
    }

    /** Since when no file has been at the path, as the reader last saw; empty while there is one. */
    Optional<Instant> missingSince() {
        return Optional.ofNullable(missingSince);
    }

    /** Makes {@link #follow} return soon. Safe to call from any thread, more than once. */
    @Override
    public void close() {
        closed = true;
        WatchService service = watch;
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                logger.log(Level.DEBUG, "closing the watch service failed source={0}", path);
            }
        }
    }
}
