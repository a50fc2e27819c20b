package dev.nodemedic.daemons.containerruntime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Unary calls to {@code runtime.v1.RuntimeService} over the runtime's unix socket: gRPC's HTTP/2
 * mapping (PROTOCOL-HTTP2.md) on the agent's Vert.x HTTP client. A call is a POST of one
 * length-prefixed message; the answer is one such message and a {@code grpc-status} in the trailers
 * (or in the headers, for an answer without a message).
 *
 * <p>Why not Vert.x's gRPC client: loaded into a plugin's class loader after the agent made its Vertx,
 * it fails every call, because the context-local it reads on each request is registered only by a
 * Vertx created with it on the class path. What it would add for two unary calls is this class.
 *
 * <p>Every call is bounded by the timeout, connecting included, on the caller's thread: a hung
 * runtime gives {@link Reply.TimedOut}, never a hung daemon. The stream of a timed-out call is reset.
 */
final class CriClient {
    static final String SERVICE = "runtime.v1.RuntimeService";
    /** Bytes of an answer read at most: a StatusResponse without verbose info is a few hundred bytes. */
    static final int MAX_ANSWER = 1 << 20;
    private static final String[] STATUS_NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
            "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
            "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    /** What one call gave. */
    sealed interface Reply {
        /** grpc-status 0 and one message. */
        record Answered(byte[] message) implements Reply {
        }

        /** Nothing within the timeout. */
        record TimedOut() implements Reply {
        }

        /** The socket file is there but nothing listens on it: the runtime is down and left it behind. */
        record Refused() implements Reply {
        }

        /** The agent may not connect: that needs write permission on the socket. */
        record Denied() implements Reply {
        }

        /** Answered with an error status, or something that is not a gRPC answer; {@code why} says which. */
        record Failed(String why) implements Reply {
        }
    }

    private final HttpClientAgent http;
    private final Duration timeout;

    CriClient(Vertx vertx, Duration timeout) {
        this.timeout = timeout;
        // HTTP/2 with prior knowledge (h2c, no upgrade): what gRPC servers speak on a unix socket.
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    }

    /** Calls {@code method} of the RuntimeService with {@code request}, an encoded message, and waits at most the timeout. */
    Reply call(Path socket, String method, byte[] request) throws InterruptedException {
        RequestOptions options = new RequestOptions()
                .setServer(SocketAddress.domainSocketAddress(socket.toString()))
                // grpc-go clients send "localhost" as the authority on a unix socket; servers do not check it.
                .setHost("localhost")
                .setMethod(HttpMethod.POST)
                .setURI("/" + SERVICE + "/" + method)
                .putHeader("content-type", "application/grpc")
                .putHeader("te", "trailers")
                // Tells the runtime when we stop waiting, so it can give up too (gRPC's TimeoutValue: at most 8 digits).
                .putHeader("grpc-timeout", Math.min(99_999_999L, timeout.toMillis()) + "m");
        AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        // read is chained on send's own future, not after the outer compose: that one completes on the
        // context the request was made from, a hop that can run after the connection's event loop has
        // already handled the answer's body and trailers; the response then refuses handlers ("Response
        // already ended") and a healthy runtime's call fails.
        Future<Reply> reply = http.request(options)
                .compose(call -> {
                    inFlight.set(call);
                    return call.send(Buffer.buffer(frame(request))).compose(CriClient::read);
                });
        try {
            return reply.toCompletionStage().toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reset(inFlight.get());
            return new Reply.TimedOut();
        } catch (InterruptedException e) {
            reset(inFlight.get());
            throw e;
        } catch (ExecutionException e) {
            return failure(e.getCause());
        }
    }

    /** Closes the client and its connections; the Vertx is the agent's and stays. */
    void close() {
        http.close();
    }

    private static void reset(HttpClientRequest request) {
        if (request != null) {
            request.reset();
        }
    }

    /** gRPC's Length-Prefixed-Message: a compressed flag (0), the length in four bytes big-endian, the message. */
    static byte[] frame(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(5 + message.length);
        out.write(0);
        out.write(message.length >>> 24);
        out.write(message.length >>> 16);
        out.write(message.length >>> 8);
        out.write(message.length);
        out.writeBytes(message);
        return out.toByteArray();
    }

    private static Future<Reply> read(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return Future.succeededFuture(abandon(response, "answered HTTP " + response.statusCode() + ", not gRPC"));
        }
        String contentType = response.getHeader("content-type");
        if (contentType == null || !contentType.startsWith("application/grpc")) {
            return Future.succeededFuture(abandon(response, "answered content-type " + contentType + ", not application/grpc"));
        }
        Promise<Reply> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_ANSWER) {
                response.request().reset();
                done.tryComplete(new Reply.Failed("answered more than " + MAX_ANSWER + " bytes"));
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(done::tryFail);
        // end() rather than an end handler: an answer without a message (an error status) may already
        // have ended when this runs, and end() still completes then.
        response.end().onComplete(end -> {
            if (end.succeeded()) {
                done.tryComplete(answer(response, body.getBytes()));
            } else {
                done.tryFail(end.cause());
            }
        });
        return done.future();
    }

    /** Resets a stream whose answer is not worth reading; the reset it causes is expected, so it is not reported. */
    private static Reply abandon(HttpClientResponse response, String why) {
        response.exceptionHandler(expected -> {
        });
        response.request().reset();
        return new Reply.Failed(why);
    }

    private static Reply answer(HttpClientResponse response, byte[] body) {
        String status = response.trailers().get("grpc-status");
        String message = response.trailers().get("grpc-message");
        if (status == null) {
            // Trailers-Only: an answer without a message carries its status in the headers.
            status = response.getHeader("grpc-status");
            message = response.getHeader("grpc-message");
        }
        if (status == null) {
            return new Reply.Failed("answered without a grpc-status");
        }
        if (!status.equals("0")) {
            return new Reply.Failed("answered gRPC status " + statusName(status) + (message == null || message.isEmpty() ? "" : ": " + percentDecoded(message)));
        }
        if (body.length < 5) {
            return new Reply.Failed("answered status OK without a message");
        }
        if (body[0] != 0) {
            return new Reply.Failed("answered a compressed message, though the call offered no compression");
        }
        long length = (body[1] & 0xFFL) << 24 | (body[2] & 0xFF) << 16 | (body[3] & 0xFF) << 8 | body[4] & 0xFF;
        if (length != body.length - 5) {
            return new Reply.Failed("answered " + (body.length - 5) + " bytes after a prefix announcing " + length + " (one message expected)");
        }
        byte[] payload = new byte[body.length - 5];
        System.arraycopy(body, 5, payload, 0, payload.length);
        return new Reply.Answered(payload);
    }

    private static Reply failure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return new Reply.Refused();
            }
            if (t.getMessage() != null && t.getMessage().contains("Permission denied")) {
                return new Reply.Denied();
            }
        }
        Throwable innermost = cause;
        while (innermost.getCause() != null) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        return new Reply.Failed(message == null || message.isBlank() ? innermost.getClass().getSimpleName() : message);
    }

    private static String statusName(String code) {
        try {
            int value = Integer.parseInt(code);
            return value >= 0 && value < STATUS_NAMES.length ? STATUS_NAMES[value] : code;
        } catch (NumberFormatException e) {
            return "\"" + code + "\"";
        }
    }

    /** grpc-message is percent-encoded UTF-8 (PROTOCOL-HTTP2.md, "Responses"). */
    static String percentDecoded(String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '%' && i + 2 < message.length() && isHex(message.charAt(i + 1)) && isHex(message.charAt(i + 2))) {
                out.write(Integer.parseInt(message, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
