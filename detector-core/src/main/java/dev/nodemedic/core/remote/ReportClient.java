package dev.nodemedic.core.remote;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A client of the report socket, for {@code nodemedic report} and tests: one request at a time, answered or not. */
public final class ReportClient implements AutoCloseable {
    /** What came back. */
    public sealed interface Reply {
        /** The agent answered, with this status and body. */
        record Answered(int code, String body) implements Reply {
        }

        /** Nobody answered: no socket, nobody listening, or no answer in time. */
        record Unreachable(String why) implements Reply {
        }
    }

    private final Path socket;
    private final Duration timeout;
    private final Vertx vertx;
    private final HttpClient http;

    public ReportClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis()));
    }

    public Reply send(HttpMethod method, String path, String body) {
        RequestOptions options = new RequestOptions().setServer(SocketAddress.domainSocketAddress(socket.toString())).setMethod(method).setURI(path)
                .setHost("localhost").setTimeout(timeout.toMillis()).putHeader("content-type", "application/json");
        // The body is asked for in the same callback as the response: a step later, its bytes may be gone.
        Future<Reply> reply = http.request(options)
                .compose(request -> request.send(Buffer.buffer(body, StandardCharsets.UTF_8.name()))
                        .compose(response -> response.body().map(b -> new Reply.Answered(response.statusCode(), b.toString(StandardCharsets.UTF_8)))));
        try {
            return reply.toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Reply.Unreachable(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        } catch (TimeoutException e) {
            return new Reply.Unreachable("no answer within " + timeout.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply.Unreachable("interrupted");
        }
    }

    @Override
    public void close() {
        vertx.close();
    }
}
