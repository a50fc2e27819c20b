package dev.nodemedic.core.http;

import dev.nodemedic.apiserver.serving.ConnectionCap;
import dev.nodemedic.apiserver.serving.ConnectionLimits;
import dev.nodemedic.reporter.prometheus.PrometheusExporter;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * {@code /metrics} for Prometheus, on its own address and port (NPD's 20257) so it can be opened to a
 * cluster's scraper while the status page stays on loopback. Connections are held to
 * {@link ConnectionLimits}: this is the server a node's network can reach.
 */
public final class MetricsServer extends VerticleBase {
    /** The meters of every agent server's {@link ConnectionCap}, told apart by {@code server} (README, Metrics). */
    public static final String CONNECTIONS = "nodemedic_http_connections";

    private final String host;
    private final int port;
    private final PrometheusExporter prometheus;
    private final ConnectionLimits limits = ConnectionLimits.DEFAULT;
    private HttpServer server;

    public MetricsServer(String host, int port, PrometheusExporter prometheus) {
        this.host = host;
        this.port = port;
        this.prometheus = prometheus;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", PrometheusExporter.CONTENT_TYPE).end(prometheus.scrape()));
        ConnectionCap cap = new ConnectionCap(vertx, limits, prometheus.registry(), CONNECTIONS, Tags.of("server", "metrics"));
        return cap.guard(vertx.createHttpServer(limits.options().setHost(host).setPort(port)), router).listen().onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }
}
