package dev.nodemedic.remedy.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Holds the probe server to a bounded cost per client, as the node agent's servers are (detector-core's
 * ConnectionCap; the two modules share no code, so each has its own): connections are counted when they
 * are accepted, before they send a byte; at {@code maxConnections} the oldest one with no request in
 * progress is closed to make room (a kubelet probe or a scrape that sends its request at once is served
 * during a flood), and a new one is refused only when every one is busy; a connection that does not
 * send a whole request head within {@code headerTimeout} of being accepted (or of its previous request)
 * is closed. Closings are counted in {@code nodemedic_remedy_http_connections_closed_total{reason}}.
 * Every handler runs on the server's event loop, so the bookkeeping needs no lock.
 */
final class ConnectionCap {
    /** The kubelet's two probes and a few scrapers; a few hundred KiB of the heap at most. */
    static final int MAX_CONNECTIONS = 64;
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final int maxConnections;
    private final Duration headerTimeout;
    /** Open connections, the one that began a request longest ago (or never did) first: the order of eviction. */
    private final LinkedHashMap<HttpConnection, Tracked> open = new LinkedHashMap<>();
    private volatile int count;
    private final Counter evicted;
    private final Counter refused;
    private final Counter timedOut;

    private static final class Tracked {
        long timer;
        HttpServerRequest latest;

        boolean busy() {
            return latest != null && !latest.response().ended();
        }
    }

    ConnectionCap(Vertx vertx, int maxConnections, Duration headerTimeout, MeterRegistry registry) {
        this.vertx = vertx;
        this.maxConnections = maxConnections;
        this.headerTimeout = headerTimeout;
        Gauge.builder("nodemedic_remedy_http_connections", this, c -> c.count).description("connections open to the probe server").register(registry);
        this.evicted = closed(registry, "evicted");
        this.refused = closed(registry, "refused");
        this.timedOut = closed(registry, "header_timeout");
    }

    private static Counter closed(MeterRegistry registry, String reason) {
        return Counter.builder("nodemedic_remedy_http_connections_closed")
                .description("connections the probe server closed to stay within its limits: evicted, refused, header_timeout")
                .tag("reason", reason).register(registry);
    }

    /** Options for the probe server: no h2c (with it, connections reach the cap only after a whole request head), bounded heads, an idle timeout. */
    static HttpServerOptions options() {
        return new HttpServerOptions().setHttp2ClearTextEnabled(false).setIdleTimeout((int) IDLE_TIMEOUT.toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(1024).setMaxHeaderSize(8192);
    }

    HttpServer guard(HttpServer server, Handler<HttpServerRequest> requests) {
        return server.connectionHandler(this::accepted).requestHandler(request -> {
            began(request);
            requests.handle(request);
        });
    }

    int open() {
        return count;
    }

    private void accepted(HttpConnection connection) {
        if (open.size() >= maxConnections && !evictOne()) {
            refused.increment();
            connection.close();
            return;
        }
        Tracked tracked = new Tracked();
        open.put(connection, tracked);
        count = open.size();
        connection.closeHandler(v -> forget(connection));
        arm(connection, tracked);
    }

    private boolean evictOne() {
        for (Iterator<Map.Entry<HttpConnection, Tracked>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HttpConnection, Tracked> entry = it.next();
            if (!entry.getValue().busy()) {
                it.remove();
                count = open.size();
                vertx.cancelTimer(entry.getValue().timer);
                evicted.increment();
                entry.getKey().close();
                return true;
            }
        }
        return false;
    }

    private void began(HttpServerRequest request) {
        Tracked tracked = open.remove(request.connection());
        if (tracked == null) {
            return;
        }
        open.put(request.connection(), tracked);
        tracked.latest = request;
        vertx.cancelTimer(tracked.timer);
        arm(request.connection(), tracked);
    }

    private void arm(HttpConnection connection, Tracked tracked) {
        tracked.timer = vertx.setTimer(headerTimeout.toMillis(), id -> {
            if (open.get(connection) != tracked) {
                return;
            }
            if (tracked.busy()) {
                arm(connection, tracked);
                return;
            }
            forget(connection);
            timedOut.increment();
            connection.close();
        });
    }

    private void forget(HttpConnection connection) {
        Tracked tracked = open.remove(connection);
        if (tracked != null) {
            vertx.cancelTimer(tracked.timer);
            count = open.size();
        }
    }
}
