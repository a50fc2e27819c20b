package dev.nodemedic.apiserver.serving;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;

/**
 * An attacker on the node's network: opens connections one after another, sends each the start of a
 * request line and nothing more, and keeps open every connection the server keeps open. Only what the
 * server closes is closed here, so the connections held here are the ones the server holds; a server
 * holding more than {@code mostHeld} fails the flood (before this process runs out of descriptors: the
 * test and the server share one {@code ulimit -n}).
 */
public final class ConnectionFlood {
    /** What the attack sent: a request line with no header and no end. */
    static final byte[] HALF_A_REQUEST = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    /** How long the server may lag behind before the connections held here count against it. */
    static final Duration CATCH_UP = Duration.ofSeconds(5);

    /** @param closedByServer connections the server closed while the flood went on; {@code mostHeld}: the most open at once */
    public record Outcome(int opened, int closedByServer, int mostHeld, Duration took) {
    }

    private ConnectionFlood() {
    }

    /**
     * Opens {@code connections} half-sent requests to the address, one at a time, closing the ones the
     * server closed; fails once more than {@code mostHeld} are open at once or the flood takes longer than
     * {@code within}. Every connection still open at the end is closed before this returns.
     */
    public static Outcome run(SocketAddress address, int connections, int mostHeld, Duration within) throws IOException {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        int closedByServer = 0;
        int most = 0;
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try (Selector selector = Selector.open()) {
            try {
                for (int i = 0; i < connections; i++) {
                    SocketChannel channel = SocketChannel.open(address);
                    channel.write(ByteBuffer.wrap(HALF_A_REQUEST));
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                    if (i % 50 == 49 || i == connections - 1) {
                        closedByServer += reap(selector, sink, Duration.ZERO);
                        // The server takes up connections a little behind this loop: give it a bounded while to catch up.
                        long catchUp = System.nanoTime() + CATCH_UP.toNanos();
                        while (selector.keys().size() > mostHeld && System.nanoTime() < catchUp) {
                            closedByServer += reap(selector, sink, Duration.ofMillis(50));
                        }
                        most = Math.max(most, selector.keys().size());
                        if (selector.keys().size() > mostHeld) {
                            throw new AssertionError("the server holds " + selector.keys().size() + " half-open connections after " + (i + 1)
                                    + " were opened and " + CATCH_UP.toSeconds() + "s to catch up; it should hold at most " + mostHeld);
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("only " + (i + 1) + " of " + connections + " connections opened within " + within);
                    }
                }
            } finally {
                for (SelectionKey key : selector.keys()) {
                    key.channel().close();
                }
            }
        }
        return new Outcome(connections, closedByServer, most, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Waits, at most {@code limit}, for the server to close the connection; reads and drops whatever it answers before. */
    public static boolean closedByServerWithin(SocketChannel channel, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        channel.configureBlocking(false);
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            for (long left = limit.toMillis(); left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
                selector.select(left);
                selector.selectedKeys().clear();
                try {
                    sink.clear();
                    if (channel.read(sink) < 0) {
                        return true;
                    }
                } catch (IOException reset) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Closes the connections the server closed (end of stream, or reset); returns how many. */
    private static int reap(Selector selector, ByteBuffer sink, Duration wait) throws IOException {
        int closed = 0;
        if (wait.isZero()) {
            selector.selectNow();
        } else {
            selector.select(wait.toMillis());
        }
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            SocketChannel channel = (SocketChannel) key.channel();
            boolean gone;
            try {
                sink.clear();
                gone = channel.read(sink) < 0;
            } catch (IOException reset) {
                gone = true;
            }
            if (gone) {
                key.cancel();
                channel.close();
                closed++;
            }
        }
        // Cancelled keys leave the key set at the next select.
        selector.selectNow();
        return closed;
    }
}
