package dev.nodemedic.apiserver.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cap on a real Vert.x server whose requests the test answers when it chooses, reached by raw sockets. */
class ConnectionCapTest {
    static final Duration BOUND = Duration.ofSeconds(10);
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Queue<HttpServerRequest> waiting = new ConcurrentLinkedQueue<>();
    private ConnectionCap cap;
    private HttpServer server;

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A server that holds every request until the test answers it. */
    private void serve(ConnectionLimits limits) throws Exception {
        server = vertx.createHttpServer(limits.options().setHost("127.0.0.1").setPort(0));
        cap = new ConnectionCap(vertx, limits, registry, "nodemedic_http_connections", Tags.of("server", "test"));
        cap.guard(server, waiting::add).listen().await(10, TimeUnit.SECONDS);
    }

    private SocketChannel connect() throws Exception {
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", server.actualPort()));
    }

    private void awaitOpen(int connections) throws Exception {
        await("the server to count " + connections + " connections", () -> cap.open() == connections);
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue(what, BOUND, condition);
    }

    private double closed(String reason) {
        return registry.get("nodemedic_http_connections_closed").tags("server", "test", "reason", reason).counter().count();
    }

    private static void answer(HttpServerRequest request) {
        request.response().end("ok");
    }

    @Test
    void theMetersAreNamedByTheFamilyAndTaggedAsTheCallerSays() {
        new ConnectionCap(vertx, ConnectionLimits.DEFAULT, registry, "nodemedic_remedy_http_connections", Tags.empty());
        new ConnectionCap(vertx, ConnectionLimits.DEFAULT, registry, "nodemedic_http_connections", Tags.of("server", "status"));

        List<String> meters = registry.getMeters().stream().map(ConnectionCapTest::named).sorted().toList();
        assertThat(meters).containsExactly(
                "nodemedic_http_connections[server=status]",
                "nodemedic_http_connections_closed[reason=evicted, server=status]",
                "nodemedic_http_connections_closed[reason=header_timeout, server=status]",
                "nodemedic_http_connections_closed[reason=refused, server=status]",
                "nodemedic_remedy_http_connections[]",
                "nodemedic_remedy_http_connections_closed[reason=evicted]",
                "nodemedic_remedy_http_connections_closed[reason=header_timeout]",
                "nodemedic_remedy_http_connections_closed[reason=refused]");
    }

    private static String named(Meter meter) {
        return meter.getId().getName() + meter.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue()).toList();
    }

    @Test
    void atTheCapTheOldestConnectionWithNoRequestMakesRoomForANewOne() throws Exception {
        serve(new ConnectionLimits(2, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        try (SocketChannel oldest = connect(); SocketChannel newer = connect()) {
            awaitOpen(2);
            try (SocketChannel probe = connect()) {
                probe.write(ByteBuffer.wrap(REQUEST));
                await("the probe's request", () -> !waiting.isEmpty());
                vertx.runOnContext(v -> answer(waiting.poll()));

                assertThat(ConnectionFlood.closedByServerWithin(oldest, BOUND)).as("the oldest idle connection is closed").isTrue();
                assertThat(ConnectionFlood.closedByServerWithin(newer, Duration.ofMillis(200))).as("the newer one stays").isFalse();
                assertThat(closed("evicted")).isEqualTo(1);
            }
        }
    }

    @Test
    void aConnectionBusyWithARequestIsNeverEvictedAndWhenAllAreBusyTheNewOneIsRefused() throws Exception {
        serve(new ConnectionLimits(2, Duration.ofMillis(200), Duration.ofMinutes(1)));
        try (SocketChannel first = connect(); SocketChannel second = connect()) {
            first.write(ByteBuffer.wrap(REQUEST));
            second.write(ByteBuffer.wrap(REQUEST));
            await("both requests", () -> waiting.size() == 2);

            try (SocketChannel third = connect()) {
                assertThat(ConnectionFlood.closedByServerWithin(third, BOUND)).as("refused").isTrue();
            }
            assertThat(closed("refused")).isEqualTo(1);
            // Several header timeouts pass while the requests are answered slowly: busy connections are not timed out.
            assertThat(ConnectionFlood.closedByServerWithin(first, Duration.ofMillis(600))).isFalse();
            assertThat(closed("header_timeout")).isZero();

            vertx.runOnContext(v -> waiting.forEach(ConnectionCapTest::answer));
            // Answered, both wait for a next request head, which does not come within the timeout.
            assertThat(ConnectionFlood.closedByServerWithin(first, BOUND)).isTrue();
            assertThat(ConnectionFlood.closedByServerWithin(second, BOUND)).isTrue();
            assertThat(closed("header_timeout")).isEqualTo(2);
        }
        awaitOpen(0);
    }
}
