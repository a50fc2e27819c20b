package dev.nodemedic.apiserver.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds one server to its {@link ConnectionLimits}, counting each connection when it is accepted, before
 * it has sent a byte. A flood of connections that never finish a request (17,000 of them took a 64 MiB
 * agent down) then costs at most {@code maxConnections} connections: at the cap the oldest connection
 * with no request in progress is closed to make room, so a real client (a probe, a scrape) that sends
 * its request at once is still served while the flood goes on; only when every connection is busy with
 * a request is the new one refused. A connection that takes longer than {@code headerTimeout} to send a
 * request head is closed. Each closing is counted in {@code <family>_closed_total{reason}} ({@code evicted},
 * {@code refused}, {@code header_timeout}) and the open ones in {@code <family>}: the agent's servers
 * share {@code nodemedic_http_connections} told apart by a {@code server} tag, the remedy controller's probe
 * server has {@code nodemedic_remedy_http_connections}; dashboards and alerts read those names.
 *
 * <p>Every handler runs on the server's event loop, so the bookkeeping needs no lock.
 */
public final class ConnectionCap {
    private final Vertx vertx;
    private final ConnectionLimits limits;
    /** Open connections, the one that began a request longest ago (or never did) first: the order of eviction. */
    private final LinkedHashMap<HttpConnection, Tracked> open = new LinkedHashMap<>();
    private volatile int count;
    private final Counter evicted;
    private final Counter refused;
    private final Counter timedOut;

    /** One open connection: its header timer, and its latest request (none yet: null). */
    private static final class Tracked {
        long timer;
        HttpServerRequest latest;

        boolean busy() {
            return latest != null && !latest.response().ended();
        }
    }

    /**
     * @param family the meters' name: {@code <family>} open, {@code <family>_closed} closed by reason
     * @param tags   what tells this server from others of the same family
     */
    public ConnectionCap(Vertx vertx, ConnectionLimits limits, MeterRegistry registry, String family, Tags tags) {
        this.vertx = vertx;
        this.limits = limits;
        Gauge.builder(family, this, c -> c.count).description("connections open to the server").tags(tags).register(registry);
        this.evicted = closed(registry, family, tags, "evicted");
        this.refused = closed(registry, family, tags, "refused");
        this.timedOut = closed(registry, family, tags, "header_timeout");
    }

    private static Counter closed(MeterRegistry registry, String family, Tags tags, String reason) {
        return Counter.builder(family + "_closed")
                .description("connections the server closed to stay within its limits: evicted (the oldest idle one, to make room),"
                        + " refused (at the cap with every connection busy), header_timeout (no whole request head in time)")
                .tags(tags).tag("reason", reason).register(registry);
    }

    /** Puts the cap in front of the server's requests: call before {@code listen}. */
    public HttpServer guard(HttpServer server, Handler<HttpServerRequest> requests) {
        return server.connectionHandler(this::accepted).requestHandler(request -> {
            began(request);
            requests.handle(request);
        });
    }

    /** Connections counted as open now. */
    public int open() {
        return count;
    }

    private void accepted(HttpConnection connection) {
        if (open.size() >= limits.maxConnections() && !evictOne()) {
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
        // Taken out and put back: to the end of the eviction order.
        Tracked tracked = open.remove(request.connection());
        if (tracked == null) {
            return;
        }
        open.put(request.connection(), tracked);
        tracked.latest = request;
        vertx.cancelTimer(tracked.timer);
        arm(request.connection(), tracked);
    }

    /** The next request head is due within headerTimeout; a connection still answering one is looked at again then. */
    private void arm(HttpConnection connection, Tracked tracked) {
        tracked.timer = vertx.setTimer(limits.headerTimeout().toMillis(), id -> {
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
