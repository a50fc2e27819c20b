package dev.nodemedic.remedy.runtime;

import dev.nodemedic.apiserver.serving.ConnectionCap;
import dev.nodemedic.apiserver.serving.ConnectionLimits;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code /healthz}, {@code /readyz} and Prometheus {@code /metrics} on one port. Health codes as
 * Kubernetes probes and Vert.x's HealthCheckHandler read them: 200 up, 503 down. Handlers read cheap
 * snapshots on the event loop and never block. Connections are capped and slow request heads closed
 * ({@link ConnectionCap}, the agent's servers' own), so a flood of connections cannot take the controller down.
 */
public final class ProbeServer extends VerticleBase {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** The kubelet's two probes and a few scrapers: the agent's limits fit them as they are. */
    static final ConnectionLimits LIMITS = ConnectionLimits.DEFAULT;
    /** The controller's own family, without the agent's {@code server} tag: it has one server. */
    static final String CONNECTIONS = "nodemedic_remedy_http_connections";

    private final String host;
    private final int port;
    private final Probes probes;
    private final PrometheusMeterRegistry registry;
    private final ConnectionLimits limits;
    private HttpServer server;
    private ConnectionCap cap;

    public ProbeServer(String host, int port, Probes probes, PrometheusMeterRegistry registry) {
        this(host, port, probes, registry, LIMITS.headerTimeout());
    }

    ProbeServer(String host, int port, Probes probes, PrometheusMeterRegistry registry, Duration headerTimeout) {
        this.limits = new ConnectionLimits(LIMITS.maxConnections(), headerTimeout, LIMITS.idleTimeout());
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.probes = Objects.requireNonNull(probes, "probes");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Future<?> start() {
        // A taken port fails the deployment: the future carries the bind error to main.
        cap = new ConnectionCap(vertx, limits, registry, CONNECTIONS, Tags.empty());
        return cap.guard(vertx.createHttpServer(limits.options().setHost(host).setPort(port)), this::handle)
                .listen()
                .onSuccess(s -> server = s);
    }

    /** The port bound: the configured one, or the free one picked for port 0. */
    public int actualPort() {
        return server.actualPort();
    }

    ConnectionCap cap() {
        return cap;
    }

    private void handle(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            request.response().setStatusCode(405).putHeader("allow", "GET").end();
            return;
        }
        switch (request.path()) {
            case "/healthz" -> verdict(request, probes.health());
            case "/readyz" -> verdict(request, probes.readiness());
            case "/metrics" -> request.response().putHeader("content-type", PROMETHEUS_TEXT).end(registry.scrape());
            default -> request.response().setStatusCode(404).putHeader("content-type", TEXT).end("not found; try /healthz, /readyz or /metrics\n");
        }
    }

    private static void verdict(HttpServerRequest request, Probes.Verdict verdict) {
        request.response().setStatusCode(verdict.ok() ? 200 : 503).putHeader("content-type", TEXT).end(verdict.message() + "\n");
    }
}
