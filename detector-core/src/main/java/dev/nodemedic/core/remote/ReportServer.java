package dev.nodemedic.core.remote;

import dev.nodemedic.apiserver.serving.ConnectionCap;
import dev.nodemedic.apiserver.serving.ConnectionLimits;
import dev.nodemedic.core.http.MetricsServer;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The report API on a unix socket (docs/report-api.yaml): remote daemons register, set conditions,
 * emit events and renew their lease. Every request is answered, refusals with a JSON body naming the
 * field at fault; a body is read only up to {@link #MAX_BODY} and only within the daemon's rate
 * limit, so no client can stop the agent or starve the others. Connections are held to
 * {@link ConnectionLimits} from the moment they are accepted. Handlers never block the event loop.
 */
public final class ReportServer extends VerticleBase {
    /** Far more than a registration with a few dozen conditions needs; a larger body is refused unread. */
    static final int MAX_BODY = 16 * 1024;
    /**
     * 64 connections (each a file descriptor: far more than the daemons a node runs, far fewer than the
     * agent's descriptors); idle ones go after 2 minutes.
     */
    static final ConnectionLimits LIMITS = new ConnectionLimits(64, ConnectionLimits.DEFAULT.headerTimeout(), Duration.ofMinutes(2));
    private static final Logger log = LoggerFactory.getLogger(ReportServer.class);

    private final Path socket;
    private final String permissions;
    private final RemoteDaemons daemons;
    private final Reporter reporter;
    private final MeterRegistry registry;
    private final ConnectionLimits limits;
    private final Map<Integer, Counter> requests = new HashMap<>();
    private final JsonMapper json = JsonMapper.builder().build();

    public ReportServer(Path socket, String permissions, RemoteDaemons daemons, Reporter reporter, MeterRegistry registry) {
        this(socket, permissions, daemons, reporter, registry, LIMITS);
    }

    ReportServer(Path socket, String permissions, RemoteDaemons daemons, Reporter reporter, MeterRegistry registry, ConnectionLimits limits) {
        this.socket = socket;
        this.permissions = permissions;
        this.daemons = daemons;
        this.reporter = reporter;
        this.registry = registry;
        this.limits = limits;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = limits.options()
                // curl asks before sending a body over 1 KiB and waits a second for the answer otherwise.
                .setHandle100ContinueAutomatically(true);
        ConnectionCap cap = new ConnectionCap(vertx, limits, registry, MetricsServer.CONNECTIONS, Tags.of("server", "report"));
        return cap.guard(vertx.createHttpServer(options), this::handle)
                .listen(SocketAddress.domainSocketAddress(socket.toString()))
                .compose(server -> vertx.executeBlocking(() -> {
                    ReportSocket.restrict(socket, permissions);
                    return server;
                }));
    }

    private void handle(HttpServerRequest request) {
        request.response().headersEndHandler(v -> count(request.response().getStatusCode()));
        String[] path = request.path().split("/", -1);
        Optional<String> daemon = path.length >= 4 && path[1].equals("v1") && path[2].equals("daemons") ? Optional.of(path[3]) : Optional.empty();
        Optional<Duration> wait = daemons.admit(daemon);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            request.response().putHeader("retry-after", Long.toString(seconds));
            refuse(request, new RequestRefused(RequestRefused.Reason.TooManyRequests, Optional.empty(), "rate limit of "
                    + daemon.map(d -> "daemon " + d).orElse("requests for no registered daemon") + " reached; retry in " + seconds + "s"));
            return;
        }
        String length = request.getHeader("content-length");
        if (length != null && (!length.matches("\\d{1,9}") || Long.parseLong(length) > MAX_BODY)) {
            tooLarge(request);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_BODY) {
                refused[0] = true;
                tooLarge(request);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> log.debug("report request failed while reading error=\"{}\"", e.toString()));
        request.endHandler(v -> {
            if (!refused[0]) {
                respond(request, path, body.toString(StandardCharsets.UTF_8));
            }
        });
    }

    private void respond(HttpServerRequest request, String[] path, String body) {
        try {
            route(request, path, body);
        } catch (RequestRefused e) {
            refuse(request, e);
        } catch (RuntimeException e) {
            // A bug of ours, not the client's: the client is told, the agent carries on.
            log.error("report request failed method={} path={}", request.method(), request.path(), e);
            refuse(request, new RequestRefused(RequestRefused.Reason.InternalError, Optional.empty(), "the agent failed on this request ("
                    + e.getClass().getSimpleName() + "); its log has the details"));
        }
    }

    private void route(HttpServerRequest request, String[] path, String body) throws RequestRefused {
        HttpMethod method = request.method();
        if (path.length < 3 || !path[1].equals("v1") || !path[2].equals("daemons")) {
            throw notFound(request);
        }
        if (path.length == 3) {
            allow(method, HttpMethod.GET);
            ok(request, 200, new ReportViews.DaemonsView(daemons.all().stream().map(s -> ReportViews.DaemonView.of(s, reporter.book().snapshot())).toList()));
            return;
        }
        String name = path[3];
        if (path.length == 4) {
            if (method == HttpMethod.PUT) {
                ok(request, 200, ReportViews.DaemonView.of(daemons.register(Registration.from(name, body), peer(request)), reporter.book().snapshot()));
            } else if (method == HttpMethod.GET) {
                RemoteDaemons.RemoteStatus status = daemons.get(name).orElseThrow(() -> new RequestRefused(RequestRefused.Reason.NotFound,
                        Optional.of("name"), "no daemon " + name + " is registered"));
                ok(request, 200, ReportViews.DaemonView.of(status, reporter.book().snapshot()));
            } else if (method == HttpMethod.DELETE) {
                daemons.unregister(name, peer(request));
                request.response().setStatusCode(204).end();
            } else {
                allow(method, HttpMethod.PUT, HttpMethod.GET, HttpMethod.DELETE);
            }
            return;
        }
        if (path.length == 5 && path[4].equals("lease")) {
            allow(method, HttpMethod.POST);
            requireEmpty(body);
            ok(request, 200, ReportViews.DaemonView.of(daemons.renew(name, peer(request)), reporter.book().snapshot()));
        } else if (path.length == 5 && path[4].equals("events")) {
            allow(method, HttpMethod.POST);
            ok(request, 202, ReportViews.EventView.of(daemons.emit(name, EventReport.from(name, body), peer(request))));
        } else if (path.length == 6 && path[4].equals("conditions")) {
            allow(method, HttpMethod.PUT);
            String type = path[5];
            ok(request, 200, ReportViews.ConditionView.of(daemons.setCondition(name, type, ConditionReport.from(type, body), peer(request)).condition()));
        } else {
            throw notFound(request);
        }
    }

    /** Asked per request, not kept per connection: a getsockopt is cheap, and nothing can go stale. */
    private static Peer peer(HttpServerRequest request) {
        return Peer.of(request.connection());
    }

    private static void requireEmpty(String body) throws RequestRefused {
        if (!body.isBlank() && !body.strip().equals("{}")) {
            throw RequestRefused.invalid("body", "a lease renewal takes no body (the lease is renewed for the duration given at registration)");
        }
    }

    private static void allow(HttpMethod method, HttpMethod... allowed) throws RequestRefused {
        for (HttpMethod a : allowed) {
            if (a == method) {
                return;
            }
        }
        StringBuilder names = new StringBuilder();
        for (HttpMethod a : allowed) {
            names.append(names.isEmpty() ? "" : ", ").append(a.name());
        }
        throw new RequestRefused(RequestRefused.Reason.MethodNotAllowed, Optional.empty(), method.name() + " is not allowed here; allowed: " + names);
    }

    private static RequestRefused notFound(HttpServerRequest request) {
        return new RequestRefused(RequestRefused.Reason.NotFound, Optional.of("path"), "no such path " + request.path()
                + "; this agent serves /v1/daemons/{name}, /v1/daemons/{name}/conditions/{type}, /v1/daemons/{name}/events and /v1/daemons/{name}/lease");
    }

    private void tooLarge(HttpServerRequest request) {
        // Closing the connection stops the rest of the body from being read at all.
        request.response().putHeader("connection", "close");
        refuse(request, new RequestRefused(RequestRefused.Reason.RequestEntityTooLarge, Optional.of("body"), "body: larger than " + MAX_BODY
                + " bytes; send one registration, condition or event per request"));
    }

    private void ok(HttpServerRequest request, int code, Object view) {
        request.response().setStatusCode(code).putHeader("content-type", "application/json").end(json.writeValueAsString(view));
    }

    private void refuse(HttpServerRequest request, RequestRefused refused) {
        if (request.response().ended()) {
            return;
        }
        ReportViews.ErrorView error = new ReportViews.ErrorView(refused.reason().code(), refused.reason().name(), refused.field().orElse(null),
                refused.getMessage());
        request.response().setStatusCode(refused.reason().code()).putHeader("content-type", "application/json").end(json.writeValueAsString(error));
    }

    private void count(int code) {
        requests.computeIfAbsent(code, c -> Counter.builder("nodemedic_report_requests").description("requests to the report socket, by HTTP status")
                .tag("code", Integer.toString(c)).register(registry)).increment();
    }
}
