package dev.nodemedic.daemons.kernellog.source;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the kernel's ring buffer through {@code /dev/kmsg}, as NPD's kmsg plugin does.
 *
 * <p>The device's contract (Documentation/ABI/testing/dev-kmsg): every read returns exactly one
 * record, {@code priority,sequence,microseconds-since-boot,flags[,...];message}, followed by
 * dictionary lines that start with a space ({@code  SUBSYSTEM=...}), which are not part of the
 * message. A reader too slow for the ring gets EPIPE once and then the oldest record still there:
 * that is counted, logged once, and reading goes on. Timestamps are monotonic, so the wall time of a
 * record is the boot time plus its microseconds.
 */
public final class KmsgSource implements LogSource {
    /** The kernel refuses (EINVAL) a read smaller than the record; records are at most 8 KiB (CONSOLE_EXT_LOG_MAX). */
    private static final int RECORD_BYTES = 16 * 1024;
    /** strerror(EPERM), the reason a FileSystemException carries for it. */
    private static final String NOT_PERMITTED = "Operation not permitted";

    private final ReadableByteChannel device;
    private final String name;
    private final BootTime boot;
    private final Instant startTime;
    private final System.Logger logger;
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong missedRecords = new AtomicLong();
    private volatile boolean closed;

    public KmsgSource(ReadableByteChannel device, String name, BootTime boot, Instant startTime, System.Logger logger) {
        this.device = device;
        this.name = name;
        this.boot = boot;
        this.startTime = startTime;
        this.logger = logger;
    }

    /** Opens the device; fails with a message saying what the agent needs when it may not read it. */
    public static ReadableByteChannel openDevice(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(path.toString(), null,
                    "permission denied; reading the kernel log needs CAP_SYSLOG (or kernel.dmesg_restrict=0) and the device mounted into the pod");
        } catch (FileSystemException e) {
            throw refused(path, e);
        }
    }

    /**
     * EPERM, which Java reports by its text only: the device cgroup of an unprivileged container
     * refuses the device whatever its file mode and capabilities (runc and containerd allow only
     * null, zero, random, tty and the like), and so does the kernel under kernel.dmesg_restrict=1
     * for a process without CAP_SYSLOG.
     */
    static FileSystemException refused(Path path, FileSystemException e) {
        if (!NOT_PERMITTED.equals(e.getReason())) {
            return e;
        }
        return new FileSystemException(path.toString(), null, "operation not permitted (an unprivileged container may not open the device,"
                + " whatever its capabilities, nor may a process without CAP_SYSLOG under kernel.dmesg_restrict=1)");
    }

    @Override
    public String describe() {
        return "kmsg " + name;
    }

    @Override
    public void run(LineSink sink) throws IOException {
        ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES);
        long lastSequence = -1;
        while (!closed) {
            record.clear();
            int n;
            try {
                n = device.read(record);
            } catch (ClosedChannelException e) {
                if (closed) {
                    return;
                }
                throw e;
            } catch (IOException e) {
                if (!isOverrun(e)) {
                    throw new IOException(describe() + ": read failed: " + e.getMessage(), e);
                }
                if (overruns.getAndIncrement() == 0) {
                    logger.log(Level.WARNING, "kernel log overran the reader, records lost; reading on from the oldest one left (first time; counted from now on) source={0}", name);
                }
                continue;
            }
            if (n < 0) {
                return;
            }
            long sequence = parse(record.array(), n, lastSequence, sink);
            if (sequence >= 0) {
                lastSequence = sequence;
            }
        }
    }

    private static boolean isOverrun(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains("Broken pipe");
    }

    /** Returns the record's sequence number, or -1 for a record that does not parse (skipped). */
    private long parse(byte[] bytes, int length, long lastSequence, LineSink sink) {
        KmsgRecord record;
        try {
            record = KmsgRecord.parse(new String(bytes, 0, length, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (lastSequence >= 0 && record.sequence() > lastSequence + 1) {
            missedRecords.addAndGet(record.sequence() - lastSequence - 1);
        }
        Instant at = record.at(boot.at());
        // NPD skips empty messages and those before the start time.
        if (!record.message().isEmpty() && !at.isBefore(startTime)) {
            sink.line(at, record.message());
            sink.caughtUp();
        }
        return record.sequence();
    }

    /** EPIPE returns: times the kernel overwrote records before we read them. */
    public long overruns() {
        return overruns.get();
    }

    /** Records skipped by sequence number (what the overruns cost). */
    public long missedRecords() {
        return missedRecords.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            device.close();
        } catch (IOException e) {
            logger.log(Level.DEBUG, "closing the kernel log failed source={0}", name);
        }
    }
}
