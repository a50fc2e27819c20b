package dev.nodemedic.daemons.kernellog.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Behaves as /dev/kmsg does for a reader: each read blocks until a record is there and returns
 * exactly that one record; a reader that fell behind gets EPIPE once; a read into a buffer smaller
 * than the record fails with EINVAL.
 */
final class FakeKmsgDevice implements ReadableByteChannel {
    private static final Object CLOSED = new Object();
    private final BlockingQueue<Object> records = new LinkedBlockingQueue<>();
    private volatile boolean open = true;

    void record(String record) {
        records.add(record.getBytes(StandardCharsets.UTF_8));
    }

    void overrun() {
        records.add(new IOException("Broken pipe"));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Object next;
        try {
            next = records.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsynchronousCloseException();
        }
        if (next == CLOSED) {
            throw new AsynchronousCloseException();
        }
        if (next instanceof IOException e) {
            throw e;
        }
        byte[] bytes = (byte[]) next;
        if (bytes.length > dst.remaining()) {
            throw new IOException("Invalid argument");
        }
        dst.put(bytes);
        return bytes.length;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        records.add(CLOSED);
    }
}
