package dev.nodemedic.daemons.kubelethealth;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One GET over plain HTTP on a socket of its own, for the kubelet's {@code http://} healthz. The JDK's
 * HttpClient would do, but building one initialises TLS (the default SSLContext, the CA certificates)
 * and starts a selector thread: several hundred classes and megabytes held for the agent's whole life
 * to ask a loopback port for two bytes.
 *
 * <p>The request is HTTP/1.0 with {@code Connection: close}, so a conforming server answers without
 * chunked encoding and closes: the answer is the status line, headers, and the body up to
 * {@code Content-Length} or the end of the stream.
 */
final class PlainHttpGet {
    /** Bytes of a body kept; the kubelet's healthz answers a few hundred at most, and the message quotes fewer. */
    static final int MAX_BODY = 8 * 1024;
    /** Bytes of status line and headers accepted before the answer is called malformed. */
    private static final int MAX_HEAD = 16 * 1024;
    private static final int HEAD_END = ('\r' << 24) | ('\n' << 16) | ('\r' << 8) | '\n';

    /** What the server answered. */
    record Response(int status, String body) {
    }

    /** The connection was not accepted within the timeout (as opposed to no answer after it was). */
    static final class ConnectTimeout extends IOException {
        ConnectTimeout(Throwable cause) {
            super(cause);
        }
    }

    private final URI url;
    private final String host;
    private final int port;
    private final Duration timeout;
    /** The socket of the GET in flight, closed by {@link #close()} so a stopping daemon does not wait out the timeout. */
    private final AtomicReference<Socket> inFlight = new AtomicReference<>();

    PlainHttpGet(URI url, Duration timeout) {
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException(url + " is not an http:// URL");
        }
        this.url = url;
        this.host = url.getHost();
        this.port = url.getPort() != -1 ? url.getPort() : 80;
        this.timeout = timeout;
    }

    /**
     * Sends the GET and reads the answer, the whole exchange bounded by the timeout.
     *
     * @throws ConnectTimeout                   when no connection was accepted within the timeout
     * @throws java.net.ConnectException        when the connection was refused
     * @throws SocketTimeoutException           when the server accepted but did not answer within the timeout
     * @throws IOException                      for any other failure, malformed answers included
     */
    Response get() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            inFlight.set(socket);
            try {
                socket.connect(new InetSocketAddress(host, port), millis(timeout));
            } catch (SocketTimeoutException e) {
                throw new ConnectTimeout(e);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(socket, deadline);
        } finally {
            inFlight.set(null);
        }
    }

    /** Ends the GET in flight, if any: it fails with an IOException at once. */
    void close() {
        Socket socket = inFlight.getAndSet(null);
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException alreadyGoing) {
                // Closing is all that was wanted.
            }
        }
    }

    private String request() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
        String authority = url.getPort() == -1 ? host : host + ":" + port;
        return "GET " + path + query + " HTTP/1.0\r\nHost: " + authority + "\r\nConnection: close\r\nAccept: */*\r\n\r\n";
    }

    private static Response read(Socket socket, long deadline) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        // The head ends at the first empty line (CR LF CR LF): the last four bytes are kept in one int.
        int last = 0;
        while (last != HEAD_END) {
            int b = readByte(socket, in, deadline);
            if (b < 0) {
                throw new IOException("the connection closed before the answer's headers ended");
            }
            head.write(b);
            last = (last << 8) | b;
            if (head.size() > MAX_HEAD) {
                throw new IOException("the answer's headers are longer than " + MAX_HEAD + " bytes");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = status(lines[0]);
        long length = contentLength(lines);
        ByteArrayOutputStream body = new ByteArrayOutputStream(64);
        byte[] buffer = new byte[1024];
        long wanted = length < 0 ? MAX_BODY : Math.min(length, MAX_BODY);
        while (body.size() < wanted) {
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, wanted - body.size()));
            if (n < 0) {
                break;
            }
            body.write(buffer, 0, n);
        }
        return new Response(status, body.toString(StandardCharsets.UTF_8));
    }

    private static int readByte(Socket socket, InputStream in, long deadline) throws IOException {
        socket.setSoTimeout(remainingMillis(deadline));
        return in.read();
    }

    private static int status(String statusLine) throws IOException {
        // HTTP/1.x SP 3DIGIT SP reason
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
            throw new IOException("not an HTTP answer: \"" + statusLine + "\"");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: \"" + statusLine + "\"", e);
        }
    }

    /** The Content-Length header's value, or -1 when there is none (the body then ends with the stream). */
    private static long contentLength(String[] lines) throws IOException {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Long.parseLong(lines[i].substring(colon + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IOException("the answer's Content-Length is not a number: \"" + lines[i] + "\"", e);
                }
            }
        }
        return -1;
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer within the timeout");
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(d.toMillis(), Integer.MAX_VALUE));
    }
}
