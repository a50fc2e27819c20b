package dev.nodemedic.daemons.customplugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads one of a script's output pipes to its end, keeping the first {@code limit} bytes and
 * discarding the rest. It must keep reading after the limit: a script blocked on a full pipe would
 * never finish, and one printing megabytes must not cost the agent megabytes.
 */
final class OutputCapture implements Runnable {
    private final InputStream in;
    private final byte[] kept;
    private final CountDownLatch done = new CountDownLatch(1);
    private int keptLength;
    private long total;
    private IOException failure;

    OutputCapture(InputStream in, int limit) {
        this.in = in;
        this.kept = new byte[limit];
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (this) {
                    int copied = Math.min(n, kept.length - keptLength);
                    System.arraycopy(buffer, 0, kept, keptLength, copied);
                    keptLength += copied;
                    total += n;
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                failure = e;
            }
        } finally {
            done.countDown();
        }
    }

    /** Waits for the end of the pipe: every process holding its write end has exited or closed it. */
    boolean awaitEnd(Duration limit) throws InterruptedException {
        return done.await(Math.max(0, limit.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** What was kept, decoded as UTF-8 (invalid bytes become U+FFFD) and stripped of surrounding white space. */
    synchronized String text() {
        return new String(kept, 0, keptLength, StandardCharsets.UTF_8).strip();
    }

    synchronized long totalBytes() {
        return total;
    }

    synchronized boolean failed() {
        return failure != null;
    }
}
