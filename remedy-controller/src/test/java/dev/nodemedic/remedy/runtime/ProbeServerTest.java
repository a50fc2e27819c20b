package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Vertx vertx;
    private volatile Probes.Verdict health = Probes.Verdict.ok("ok: leading");
    private volatile Probes.Verdict readiness = Probes.Verdict.failing("leading, still listing nodes");
    private ProbeServer server;

    /** A hand-written probe source: the test sets what the runtime would say. */
    private final Probes probes = new Probes() {
        @Override
        public Verdict health() {
            return health;
        }

        @Override
        public Verdict readiness() {
            return readiness;
        }
    };

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = new ProbeServer("127.0.0.1", 0, probes, registry);
        vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndReadinessAnswer200Or503WithTheReason() throws Exception {
        assertThat(get("/healthz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok: leading\n");
        });
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("leading, still listing nodes\n");
        });

        health = Probes.Verdict.failing("informers have not been watching for 75s");
        readiness = Probes.Verdict.ok("ready: leading");

        assertThat(get("/healthz").statusCode()).isEqualTo(503);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsServeTheSharedRegistryInPrometheusText() throws Exception {
        Counter.builder("nodemedic_remedy_actions_total").tags("policy", "p", "action", "cordon", "result", "applied").register(registry).increment();

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains(ProbeServer.PROMETHEUS_TEXT);
        assertThat(response.body()).contains("nodemedic_remedy_actions_total{action=\"cordon\",policy=\"p\",result=\"applied\"} 1.0");
    }

    @Test
    void anUnknownPathIs404AndAWriteIs405() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void aTakenPortFailsTheStart() {
        ProbeServer second = new ProbeServer("127.0.0.1", server.actualPort(), probes, registry);

        assertThatThrownBy(() -> vertx.deployVerticle(second).await(10, TimeUnit.SECONDS)).hasMessageContaining("Address already in use");
    }

    /**
     * The attack: 20,000 connections that send only a request line, each kept open here until
     * the server closes it (this process holds both ends under one ulimit -n of 20,000). The server holds
     * at most its cap of them and answers the kubelet's probe right after.
     */
    @Test
    void aFloodOfHalfSentRequestsIsCappedAndTheProbeIsStillAnswered() throws Exception {
        int most = 0;
        int closedByClient = 0;
        try (Selector selector = Selector.open()) {
            try {
                for (int i = 0; i < 20_000; i++) {
                    SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.actualPort()));
                    channel.write(ByteBuffer.wrap("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
                    channel.configureBlocking(false);
                    channel.register(selector, SelectionKey.OP_READ);
                    if (i % 50 == 49) {
                        // The server takes up connections a little behind: a bounded while to catch up.
                        long catchUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                        do {
                            reapClosed(selector);
                        } while (selector.keys().size() > ProbeServer.LIMITS.maxConnections() + 100 && System.nanoTime() < catchUp);
                        most = Math.max(most, selector.keys().size());
                        assertThat(selector.keys().size()).as("connections the server holds after %d", i + 1).isLessThanOrEqualTo(ProbeServer.LIMITS.maxConnections() + 100);
                    }
                }
            } finally {
                reapClosed(selector);
                closedByClient = selector.keys().size();
                for (SelectionKey key : selector.keys()) {
                    key.channel().close();
                }
            }
        }

        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(server.cap().open()).isLessThanOrEqualTo(ProbeServer.LIMITS.maxConnections());
        // Every connection this client did not close itself was closed by the server, and counted; a
        // closing is counted when it completes, which may trail what the client saw, so read until caught up.
        assertThat(closedByClient).isLessThanOrEqualTo(ProbeServer.LIMITS.maxConnections() + 100);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (closedByServer() < 20_000 - closedByClient && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(closedByServer()).isGreaterThanOrEqualTo(20_000 - closedByClient);
    }

    private double closedByServer() {
        return registry.get("nodemedic_remedy_http_connections_closed").tag("reason", "evicted").counter().count()
                + registry.get("nodemedic_remedy_http_connections_closed").tag("reason", "header_timeout").counter().count();
    }

    @Test
    void aConnectionThatDoesNotFinishItsRequestHeadInTimeIsClosed() throws Exception {
        ProbeServer quick = new ProbeServer("127.0.0.1", 0, probes, registry, Duration.ofMillis(300));
        vertx.deployVerticle(quick).await(10, TimeUnit.SECONDS);

        long start = System.nanoTime();
        try (SocketChannel slow = SocketChannel.open(new InetSocketAddress("127.0.0.1", quick.actualPort()));
             Selector selector = Selector.open()) {
            slow.write(ByteBuffer.wrap("GET /healthz HTTP/1.1\r\nhost: x\r\n".getBytes(StandardCharsets.US_ASCII)));
            slow.configureBlocking(false);
            slow.register(selector, SelectionKey.OP_READ);
            // Bounded: a read of -1 (closed by the server) ends the wait, 10 s at most.
            int read = 0;
            while (read >= 0 && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
                selector.select(1000);
                selector.selectedKeys().clear();
                read = slow.read(ByteBuffer.allocate(1024));
            }
            assertThat(read).as("closed by the server").isEqualTo(-1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(registry.get("nodemedic_remedy_http_connections_closed").tag("reason", "header_timeout").counter().count()).isEqualTo(1);
    }

    /** Closes here the connections the server closed. */
    private static void reapClosed(Selector selector) throws IOException {
        selector.select(50);
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            boolean gone;
            try {
                gone = ((SocketChannel) key.channel()).read(ByteBuffer.allocate(1024)) < 0;
            } catch (IOException reset) {
                gone = true;
            }
            if (gone) {
                key.cancel();
                key.channel().close();
            }
        }
        selector.selectNow();
    }
}
