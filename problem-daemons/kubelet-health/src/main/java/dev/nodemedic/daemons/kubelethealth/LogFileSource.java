package dev.nodemedic.daemons.kubelethealth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Follows a file the kubelet logs to, from its end, through what logrotate does to it: appended lines
 * are read as they come (a line counts once its newline is there); a file renamed away and replaced
 * is read to its end, then the new one from its start; a file truncated in place (copytruncate) is
 * read again from its start. Changes are noticed through the directory's watch service (inotify), with
 * a poll as a backstop for file systems that do not report them.
 */
final class LogFileSource implements KubeletLogSource {
    /** A longer line is cut here: a file without newlines must not take the agent's memory. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final Path file;
    private final Duration poll;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private volatile boolean closed;
    private volatile WatchService watch;
    /**
     * Only a file that is there when following starts is read from its end: the kubelet's past is not news. One
     * that replaces it, or appears later, is new and read from its start.
     */
    private boolean startedBefore;

    LogFileSource(Path file, Duration poll) {
        this.file = file;
        this.poll = poll;
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public void follow(Sink sink) throws IOException, InterruptedException {
        boolean fromEnd = !startedBefore;
        startedBefore = true;
        Path directory = file.toAbsolutePath().getParent();
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            watch = service;
            if (closed) {
                return;
            }
            try {
                directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            } catch (NoSuchFileException e) {
                throw new IOException(file + " cannot be followed: its directory " + directory + " does not exist; check pleg.logFile and the hostPath mount of the agent's pod");
            }
            Opened current = open(fromEnd);
            sink.following();
            try {
                while (!closed) {
                    if (read(current.channel(), sink) > 0) {
                        continue;
                    }
                    BasicFileAttributes now = attributesOrNull();
                    if (now != null && !Objects.equals(now.fileKey(), current.key())) {
                        // Renamed away and a new file in its place: the old one's last lines first.
                        read(current.channel(), sink);
                        flushPartial(sink);
                        current.channel().close();
                        current = open(false);
                        continue;
                    }
                    if (now != null && now.size() < current.channel().position()) {
                        // Truncated in place: what follows is new.
                        partial.reset();
                        current.channel().position(0);
                        continue;
                    }
                    WatchKey key = service.poll(poll.toNanos(), TimeUnit.NANOSECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                    }
                }
            } finally {
                current.channel().close();
            }
        } catch (ClosedWatchServiceException | ClosedChannelException e) {
            if (!closed) {
                throw new IOException(file + " stopped being readable: " + e, e);
            }
        }
    }

    /** An open file and its identity (the inode), to tell a replaced file from a grown one. */
    private record Opened(FileChannel channel, Object key) {
    }

    /** The identity is read before and after opening; if they differ the file was replaced meanwhile, and it is opened again. */
    private Opened open(boolean fromEnd) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            BasicFileAttributes before = attributesOrNull();
            if (before == null) {
                throw new IOException(file + " does not exist; check pleg.logFile and the hostPath mount of the agent's pod");
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue;
            } catch (AccessDeniedException e) {
                throw new IOException(file + " cannot be read: permission denied; the agent needs read access to it", e);
            }
            BasicFileAttributes after = attributesOrNull();
            if (after != null && Objects.equals(before.fileKey(), after.fileKey())) {
                if (fromEnd) {
                    channel.position(channel.size());
                }
                partial.reset();
                return new Opened(channel, before.fileKey());
            }
            channel.close();
        }
        throw new IOException(file + " was replaced again every time it was opened; whatever rotates it is looping");
    }

    private BasicFileAttributes attributesOrNull() throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Reads what the file holds now and hands on every complete line; returns the bytes read. */
    private long read(FileChannel channel, Sink sink) throws IOException {
        long total = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n <= 0) {
                return total;
            }
            total += n;
            byte[] bytes = buffer.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    append(bytes, start, i - start);
                    emit(sink);
                    start = i + 1;
                }
            }
            append(bytes, start, n - start);
        }
    }

    private void append(byte[] bytes, int offset, int length) {
        partial.write(bytes, offset, Math.min(length, MAX_LINE_BYTES - partial.size()));
    }

    private void emit(Sink sink) {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        sink.line(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }

    /** A last line without its newline, in a file that will not grow again. */
    private void flushPartial(Sink sink) {
        if (partial.size() > 0) {
            emit(sink);
        }
    }

    @Override
    public void close() {
        closed = true;
        WatchService service = watch;
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                // Closing only wakes the follower; a watch service that fails to close is collected with it.
            }
        }
    }
}
