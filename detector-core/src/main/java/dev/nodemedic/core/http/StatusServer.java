package dev.nodemedic.core.http;

import dev.nodemedic.apiserver.serving.ConnectionCap;
import dev.nodemedic.apiserver.serving.ConnectionLimits;
import dev.nodemedic.core.plugins.HeldBackJars;
import dev.nodemedic.core.plugins.Refusals;
import dev.nodemedic.core.supervision.DaemonRoster;
import dev.nodemedic.core.supervision.Supervisor;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.json.JsonMapper;

/**
 * The node-local status server: {@code /healthz} for probes, {@code /conditions} for scripts, {@code /}
 * for people. Handlers read immutable snapshots on the event loop and never block. Connections are held
 * to {@link ConnectionLimits}, so a flood of them cannot take the agent down.
 */
public final class StatusServer extends VerticleBase {
    /** The supervision loop runs once a second; silence this long means the agent is stuck. */
    static final Duration STALL = Duration.ofSeconds(10);

    private final String host;
    private final int port;
    private final AgentInfo agent;
    private final Reporter reporter;
    private final Supervisor supervisor;
    private final DaemonRoster roster;
    private final Refusals refusals;
    private final HeldBackJars heldBack;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ConnectionLimits limits = ConnectionLimits.DEFAULT;
    private final JsonMapper json = JsonMapper.builder().build();
    private HttpServer server;

    /**
     * @param roster   every daemon, plugin instances and remote daemons alike; the supervisor's loop says whether the agent is healthy
     * @param registry where the server counts its connections
     */
    public StatusServer(String host, int port, AgentInfo agent, Reporter reporter, Supervisor supervisor, DaemonRoster roster, Refusals refusals,
            HeldBackJars heldBack, Clock clock, MeterRegistry registry) {
        this.host = host;
        this.port = port;
        this.agent = agent;
        this.reporter = reporter;
        this.supervisor = supervisor;
        this.roster = roster;
        this.refusals = refusals;
        this.heldBack = heldBack;
        this.clock = clock;
        this.registry = registry;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(this::health);
        router.get("/conditions").handler(this::conditions);
        router.get("/").handler(this::page);
        ConnectionCap cap = new ConnectionCap(vertx, limits, registry, MetricsServer.CONNECTIONS, Tags.of("server", "status"));
        // A taken port fails the start loudly: the future carries the bind error to main.
        return cap.guard(vertx.createHttpServer(limits.options().setHost(host).setPort(port)), router)
                .listen()
                .onSuccess(s -> server = s);
    }

    /** The port actually bound: the configured one, or the free one picked for port 0. */
    public int actualPort() {
        return server.actualPort();
    }

    private void health(RoutingContext ctx) {
        Instant now = clock.instant();
        Duration silent = Duration.between(supervisor.lastTick(), now);
        if (silent.compareTo(STALL) > 0) {
            ctx.response().setStatusCode(503).putHeader("content-type", "text/plain; charset=utf-8")
                    .end("supervision loop silent for " + silent.toSeconds() + "s\n");
        } else {
            ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end("ok\n");
        }
    }

    private void conditions(RoutingContext ctx) {
        String body = json.writeValueAsString(StatusViews.ConditionsView.of(agent.nodeName(), reporter.book().snapshot()));
        ctx.response().putHeader("content-type", "application/json").end(body);
    }

    private void page(RoutingContext ctx) {
        String body = StatusPage.render(agent, clock.instant(), roster.all(), heldBack.all(), refusals.all(), reporter.book().snapshot(),
                reporter.recentEvents().newestFirst());
        ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(body);
    }
}
