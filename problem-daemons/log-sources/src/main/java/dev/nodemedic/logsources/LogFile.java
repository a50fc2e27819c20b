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
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log file followed through everything logrotate and people do to it:
 * <ul>
 * <li>appended: read as it grows; a line counts once its newline is there;</li>
 * <li>rotated by rename and create: the old file (still open) is read to its end, then the new one
 *     from its start;</li>
 * <li>deleted and recreated: the same, once the new file appears;</li>
 * <li>truncated in place (copytruncate): read again from the start.</li>
 * </ul>
 * No line is read twice and none is lost, with one exception no tailer can avoid: with copytruncate,
 * lines written between the copy and the truncation are in neither file we can see. The file there
 * when following starts is read from its start or its end ({@link Start}); any file that replaces it is
 * new, and read from its start.
 *
 * <p>Lines are cut by {@link FileLines} and handed on as bytes, so what they mean (a stamp, a
 * message, a kubelet line) is the caller's. Changes are noticed through the directory's watch service
 * (inotify on Linux), with a poll as a backstop for file systems that do not report them; never by
 * sleeping a fixed time per line.
 */
public final class LogFile implements AutoCloseable {
    /** A longer line is cut here: a file without newlines must not take the agent's memory. */
    public static final int MAX_LINE_BYTES = FileLines.MAX_LINE_BYTES;
    /** How long a change is left to gather more before it is read; well inside the 50 ms latency goal. */
    static final Duration COALESCE = Duration.ofMillis(25);

    /** Where the file that is there when following starts is read from. */
    public enum Start {
        /** All of it, as NPD's filelog plugin reads (its caller drops what is older than its lookback). */
        BEGINNING,
        /** Only what is appended from now on: the past is not news. */
        END
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
    }

    private final Path path;
    private final Duration poll;
    private final String advice;
    private final System.Logger logger;
    private final FileLines lines;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong truncations = new AtomicLong();
    private final AtomicLong writeEvents = new AtomicLong();
    private volatile boolean closed;
    private volatile WatchService watch;
    private long lastWake;
    private boolean watchingWrites;

    /**
     * @param marker a byte whose last place in each line {@link FileLines} notes, or -1 for none
     * @param poll   the backstop: how long to wait for the watch service before looking at the file anyway
     * @param advice what to check when the file or its directory is missing, for the message
     *               ({@code check logPath, or the hostPath mount of the agent's pod})
     */
    public LogFile(Path path, int marker, Duration poll, String advice, System.Logger logger) {
        this.path = Objects.requireNonNull(path);
        this.lines = new FileLines(marker);
        this.poll = poll;
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
            FileChannel channel = opened.channel();
            Object key = opened.key();
            if (start == Start.END) {
                channel.position(channel.size());
            }
            sink.opened();
            boolean grew = false;
            try {
                while (!closed) {
                    if (readAvailable(channel, sink) > 0) {
                        grew = true;
                        continue;
                    }
                    BasicFileAttributes now = attributesOrNull();
                    if (now != null && !Objects.equals(now.fileKey(), key)) {
                        // Renamed away (or deleted) and a new file in its place: finish the old one first.
                        readAvailable(channel, sink);
                        lines.finish(sink);
                        channel.close();
                        rotations.incrementAndGet();
                        logger.log(Level.INFO, "log file replaced, reading the new one source={0}", path);
                        opened = open();
                        channel = opened.channel();
                        key = opened.key();
                        continue;
                    }
                    if (now != null && now.size() < channel.position()) {
                        // Truncated in place (copytruncate): what follows is new.
                        truncations.incrementAndGet();
                        lines.reset();
                        channel.position(0);
                        logger.log(Level.INFO, "log file truncated, reading it from the start source={0}", path);
                        continue;
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
            } finally {
                channel.close();
            }
        } catch (ClosedWatchServiceException | ClosedChannelException e) {
            if (!closed) {
                throw new IOException(path + " stopped being readable: " + e, e);
            }
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
     * file that keeps growing is polled 40 times a second instead, and watched again once it is quiet.
     * Creations and deletions (rotation) still wake the reader at once.
     */
    private void followGrowth(Path directory, WatchService service) throws IOException, InterruptedException {
        if (watchingWrites) {
            watchWrites(directory, service, false);
        }
        WatchKey key = service.poll(COALESCE.toNanos(), TimeUnit.NANOSECONDS);
        if (key != null) {
            count(key.pollEvents());
            key.reset();
        }
        lastWake = System.nanoTime();
    }

    private void count(List<WatchEvent<?>> events) {
        for (WatchEvent<?> event : events) {
            if (event.kind() == StandardWatchEventKinds.ENTRY_MODIFY) {
                writeEvents.addAndGet(event.count());
            }
        }
    }

    /**
     * Waits for the directory to report a change (or for the backstop poll). Wake-ups are kept at
     * least {@link #COALESCE} apart, so a busy log is read in batches (one wake-up per line costs
     * several percent of a core at 1,000 lines/s) while a line after a quiet spell is read at once.
     */
    private void awaitChange(WatchService service) throws InterruptedException {
        WatchKey key = service.poll(poll.toNanos(), TimeUnit.NANOSECONDS);
        if (key != null) {
            long sinceLast = System.nanoTime() - lastWake;
            if (sinceLast < COALESCE.toNanos()) {
                TimeUnit.NANOSECONDS.sleep(COALESCE.toNanos() - sinceLast);
            }
            count(key.pollEvents());
            key.reset();
        }
        lastWake = System.nanoTime();
    }

    /** Reads what the file has now and hands on every complete line; returns the bytes read. */
    private long readAvailable(FileChannel channel, Sink sink) throws IOException {
        long total = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n <= 0) {
                return total;
            }
            total += n;
            lines.read(buffer.array(), n, sink);
            sink.caughtUp();
        }
    }

    /** Files that replaced the followed one (renamed away or deleted, and created again). */
    public long rotations() {
        return rotations.get();
    }

    /** Times the file was truncated in place. */
    public long truncations() {
        return truncations.get();
    }

    /** Writes to the directory the watch service reported (its ENTRY_MODIFY events, counted as it counts them). */
    long writeEvents() {
        return writeEvents.get();
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
