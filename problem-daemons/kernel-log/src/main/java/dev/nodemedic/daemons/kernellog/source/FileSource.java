package dev.nodemedic.daemons.kernellog.source;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows a log file as NPD's filelog plugin does (from its start, lines older than the start time
 * dropped), through everything logrotate and people do to it:
 * <ul>
 * <li>appended: read as it grows; a line counts once its newline is there;</li>
 * <li>rotated by rename and create: the old file (still open) is read to its end, then the new one
 *     from its start;</li>
 * <li>deleted and recreated: the same, once the new file appears;</li>
 * <li>truncated in place (copytruncate): read again from the start.</li>
 * </ul>
 * No line is read twice and none is lost, with one exception no tailer can avoid: with copytruncate,
 * lines written between the copy and the truncation are in neither file we can see.
 *
 * <p>Changes are noticed through the directory's watch service (inotify on Linux), with a poll as a
 * backstop for file systems that do not report them; never by sleeping a fixed time per line.
 */
public final class FileSource implements LogSource {
    /** A longer line is cut here: a file without newlines must not take the agent's memory. */
    static final int MAX_LINE_BYTES = FileLines.MAX_LINE_BYTES;
    /** How long a change is left to gather more before it is read; well inside the 50 ms latency goal. */
    static final Duration COALESCE = Duration.ofMillis(25);

    private final Path path;
    private final FileLineFormat format;
    private final Instant startTime;
    private final Duration poll;
    private final System.Logger logger;
    private final AtomicLong unparsed = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong truncations = new AtomicLong();
    private volatile boolean closed;
    private volatile WatchService watch;

    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final FileLines lines;
    /** The sink of the run in progress, for {@link #translate}, which is made once: not a lambda per block. */
    private LineSink sink;
    private final FileLines.Target translate = this::translate;
    private long lastWake;
    private boolean watchingWrites;
    private final AtomicLong writeEvents = new AtomicLong();

    public FileSource(Path path, FileLineFormat format, Instant startTime, Duration poll, System.Logger logger) {
        this.path = Objects.requireNonNull(path);
        this.format = format;
        this.lines = new FileLines(format.marker());
        this.startTime = startTime;
        this.poll = poll;
        this.logger = logger;
    }

    @Override
    public String describe() {
        return "file " + path;
    }

    @Override
    public void run(LineSink sink) throws IOException, InterruptedException {
        // Syslog stamps have whole seconds: a line written just after start carries the second before
        // it, and must not be dropped as old.
        Instant notBefore = startTime.truncatedTo(ChronoUnit.SECONDS);
        LineSink filtered = new LineSink() {
            @Override
            public void line(Instant timestamp, String message) {
                if (!timestamp.isBefore(notBefore)) {
                    sink.line(timestamp, message);
                }
            }

            @Override
            public void line(Instant timestamp, byte[] utf8, int offset, int length) {
                if (!timestamp.isBefore(notBefore)) {
                    sink.line(timestamp, utf8, offset, length);
                }
            }

            @Override
            public void caughtUp() {
                sink.caughtUp();
            }
        };
        Path directory = path.toAbsolutePath().getParent();
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            watch = service;
            if (closed) {
                return;
            }
            watchWrites(directory, service, true);
            this.sink = filtered;
            Opened opened = open();
            FileChannel channel = opened.channel();
            Object key = opened.key();
            boolean grew = false;
            try {
                while (!closed) {
                    if (readAvailable(channel, filtered) > 0) {
                        grew = true;
                        continue;
                    }
                    BasicFileAttributes now = attributesOrNull();
                    if (now != null && !Objects.equals(now.fileKey(), key)) {
                        // Renamed away (or deleted) and a new file in its place: finish the old one first.
                        readAvailable(channel, filtered);
                        lines.finish(translate);
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
                throw e;
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
            Object before = Files.readAttributes(pathOrExplain(), BasicFileAttributes.class).fileKey();
            FileChannel channel = openChannel();
            BasicFileAttributes after = attributesOrNull();
            if (after != null && Objects.equals(before, after.fileKey())) {
                return new Opened(channel, before);
            }
            channel.close();
        }
        throw new IOException(path + ": replaced again every time it was opened; whatever rotates it is looping");
    }

    private Path pathOrExplain() throws NoSuchFileException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "log file not found; check logPath, or the hostPath mount of the agent's pod");
        }
        return path;
    }

    private FileChannel openChannel() throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "log file not found; check logPath, or the hostPath mount of the agent's pod");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(path.toString(), null, "permission denied; the agent needs read access to it");
        }
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
    private long readAvailable(FileChannel channel, LineSink sink) throws IOException {
        long total = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n <= 0) {
                return total;
            }
            total += n;
            lines.read(buffer.array(), n, translate);
            sink.caughtUp();
        }
    }

    /**
     * One line, as bytes: the format takes stamp and message from them and decodes only what it must
     * (one copy of the message at most, none of the line).
     */
    private void translate(byte[] line, int from, int to, int lastMarker) {
        if (!format.translate(line, from, to, lastMarker, sink) && unparsed.getAndIncrement() == 0) {
            logger.log(Level.WARNING, "log line does not fit the timestamp/message expressions, skipped (first time; counted from now on) source={0}", path);
        }
    }

    /** Lines skipped because they did not parse. */
    public long unparsedLines() {
        return unparsed.get();
    }

    /** Writes to the directory the watch service reported (its ENTRY_MODIFY events, counted as it counts them). */
    long writeEvents() {
        return writeEvents.get();
    }

    public long rotations() {
        return rotations.get();
    }

    public long truncations() {
        return truncations.get();
    }

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
