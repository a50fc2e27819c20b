package dev.nodemedic.core.remote;

import dev.nodemedic.core.config.AgentConfig.ReportConfig;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.core.supervision.InstanceNames;
import dev.nodemedic.core.supervision.Supervisor;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.reporter.ConditionClaimException;
import dev.nodemedic.reporter.OwnedCondition;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemons that run in their own containers and report over the socket. Each one is held to a
 * lease instead of being started and stopped: while it reports or renews in time it is running; when
 * the lease lapses its conditions go Unknown with {@link Supervisor#NOT_RUNNING}, exactly as a failed
 * plugin daemon's, and come back when it registers again. To the reporter it is one more owner of
 * conditions in the book.
 *
 * <p>Thread-safe: requests arrive on the event loop, lease expiry runs on the supervision thread.
 */
public final class RemoteDaemons {
    /** What the status page and {@code nodemedic_daemon_up} show as the plugin of a remote daemon. */
    public static final String PLUGIN = "remote";
    /** The rate-limit label of requests not addressed to a registered daemon: not a valid daemon name, so never one's. */
    static final String UNREGISTERED = "-";
    private static final String HOLDER = "a remote daemon (registered on the report socket)";
    private static final Logger log = LoggerFactory.getLogger(RemoteDaemons.class);

    /** A remote daemon as the API shows it. */
    public record RemoteStatus(Registration registration, DaemonState state, Instant expiresAt, int restarts, Optional<String> lastError) {
    }

    private final Reporter reporter;
    private final Clock clock;
    private final InstanceNames names;
    private final ReportConfig settings;
    private final MeterRegistry registry;
    private final Consumer<List<DaemonStatus>> onPublish;
    private final Map<String, Remote> daemons = new LinkedHashMap<>();
    private final TokenBucket unregistered;
    private final Counter unregisteredLimited;

    /** @param onPublish hears every new list of the remote daemons' statuses, under this object's lock */
    public RemoteDaemons(Reporter reporter, Clock clock, InstanceNames names, ReportConfig settings, MeterRegistry registry,
            Consumer<List<DaemonStatus>> onPublish) {
        this.reporter = reporter;
        this.clock = clock;
        this.names = names;
        this.settings = settings;
        this.registry = registry;
        this.onPublish = onPublish;
        // Requests that no daemon answers for (new names, unknown names, bad paths) share one budget.
        this.unregistered = new TokenBucket(settings.requestsPerSecond(), settings.burst(), clock.instant());
        this.unregisteredLimited = rateLimitedCounter(UNREGISTERED);
    }

    /**
     * Registers a daemon, or registers it again: after its lease lapsed (a restart, counted), or with
     * other conditions (types it no longer declares are withdrawn). Its conditions keep what they said.
     * The daemon belongs to {@code client}: only that client may register it again.
     */
    public synchronized RemoteStatus register(Registration registration, Peer client) throws RequestRefused {
        Instant now = clock.instant();
        String name = registration.name();
        Remote existing = daemons.get(name);
        if (existing != null) {
            requireOwner(existing, client, "register it again");
        }
        if (existing == null && daemons.size() >= settings.maxDaemons()) {
            throw new RequestRefused(RequestRefused.Reason.Conflict, Optional.of("name"), "already " + daemons.size()
                    + " remote daemons are registered, the most this agent takes (report.maxDaemons in its config); unregister one first");
        }
        Optional<String> holder = names.claim(name, HOLDER);
        if (holder.isPresent()) {
            throw new RequestRefused(RequestRefused.Reason.Conflict, Optional.of("name"), "name " + name + " is taken by " + holder.get()
                    + "; choose another name");
        }
        try {
            List<ConditionDeclaration> conditions = registration.conditions();
            for (int i = 0; i < conditions.size(); i++) {
                Optional<OwnedCondition> held = reporter.book().snapshot().get(conditions.get(i).type());
                if (held.isPresent() && !held.get().owner().equals(name)) {
                    throw new RequestRefused(RequestRefused.Reason.Conflict, Optional.of("conditions[" + i + "].type"), "conditions[" + i
                            + "].type: condition type " + held.get().type() + " is already owned by daemon " + held.get().owner()
                            + "; a condition type has one owner");
                }
            }
            reporter.book().declare(name, conditions, now);
            reporter.declareReasons(name, registration.reasons());
        } catch (RequestRefused | ConditionClaimException e) {
            if (existing == null) {
                names.release(name, HOLDER);
            }
            if (e instanceof RequestRefused refused) {
                throw refused;
            }
            ConditionClaimException claim = (ConditionClaimException) e;
            throw new RequestRefused(RequestRefused.Reason.Conflict, Optional.of("conditions"), "conditions: " + claim.getMessage()
                    + (claim.overLimit() ? "" : "; a condition type has one owner"));
        }
        Remote remote = existing;
        if (remote == null) {
            remote = new Remote(registration, client, new TokenBucket(settings.requestsPerSecond(), settings.burst(), now), rateLimitedCounter(name), now);
            daemons.put(name, remote);
            log.info("remote daemon registered daemon={} version={} conditions={} lease={} user={}", name, registration.version(),
                    registration.conditions().stream().map(ConditionDeclaration::type).toList(), registration.lease(),
                    client.user().map(UserPrincipal::getName).orElse("unknown"));
        } else {
            if (remote.state == DaemonState.LEASE_EXPIRED) {
                remote.restarts++;
                remote.since = now;
                log.info("remote daemon registered again daemon={} restarts={}", name, remote.restarts);
            }
            remote.registration = registration;
        }
        remote.state = DaemonState.RUNNING;
        remote.expiresAt = now.plus(registration.lease());
        publish();
        return remote.status();
    }

    /** Extends the lease by its duration from now. */
    public synchronized RemoteStatus renew(String name, Peer client) throws RequestRefused {
        Remote remote = live(name, client, "renew its lease", clock.instant());
        return remote.status();
    }

    /** Sets one of the daemon's conditions; a report renews the lease too. */
    public synchronized OwnedCondition setCondition(String name, String type, ConditionReport report, Peer client) throws RequestRefused {
        Instant now = clock.instant();
        Remote remote = live(name, client, "set its conditions", now);
        if (remote.registration.conditions().stream().noneMatch(c -> c.type().equals(type))) {
            throw RequestRefused.invalid("type", "condition type " + type + " is not declared by " + name + "; it declared "
                    + remote.registration.conditions().stream().map(ConditionDeclaration::type).toList() + " (register again to declare more)");
        }
        reporter.book().set(name, type, report.status(), report.reason(), report.message(), now);
        return reporter.book().snapshot().get(type).orElseThrow();
    }

    /** Emits an event in the daemon's name; a report renews the lease too. Aggregation and rate limits toward the API server are the reporter's. */
    public synchronized Event emit(String name, EventReport report, Peer client) throws RequestRefused {
        Instant now = clock.instant();
        live(name, client, "emit its events", now);
        Event event = report.at(now);
        reporter.emit(name, event);
        return event;
    }

    /** Removes the daemon: its conditions are withdrawn, as a removed plugin's are, and its name is free again. Only its own client may. */
    public synchronized void unregister(String name, Peer client) throws RequestRefused {
        Remote remote = daemons.get(name);
        if (remote == null) {
            throw notFound(name);
        }
        requireOwner(remote, client, "unregister it");
        daemons.remove(name);
        reporter.withdraw(name);
        names.release(name, HOLDER);
        registry.remove(remote.rateLimited);
        log.info("remote daemon unregistered daemon={}", name);
        publish();
    }

    /** Turns the conditions of every daemon whose lease has lapsed Unknown. The supervision loop calls it; tests call it with their clock. */
    public synchronized void expire(Instant now) {
        boolean changed = false;
        for (Remote remote : daemons.values()) {
            changed |= expireIfDue(remote, now);
        }
        if (changed) {
            publish();
        }
    }

    public synchronized Optional<RemoteStatus> get(String name) {
        return Optional.ofNullable(daemons.get(name)).map(Remote::status);
    }

    public synchronized List<RemoteStatus> all() {
        return daemons.values().stream().map(Remote::status).toList();
    }

    /**
     * Spends one request of the daemon's budget (the shared one of unregistered names).
     *
     * @return how long to wait, when the budget is spent
     */
    public synchronized Optional<Duration> admit(Optional<String> name) {
        Instant now = clock.instant();
        Remote remote = name.map(daemons::get).orElse(null);
        TokenBucket bucket = remote == null ? unregistered : remote.bucket;
        if (bucket.take(now)) {
            return Optional.empty();
        }
        (remote == null ? unregisteredLimited : remote.rateLimited).increment();
        return Optional.of(bucket.untilNext(now));
    }

    /** The daemon, running: its lease is renewed. Lapsed leases are noticed here too, not only at the next loop. */
    private Remote live(String name, Peer client, String action, Instant now) throws RequestRefused {
        Remote remote = daemons.get(name);
        if (remote == null) {
            throw notFound(name);
        }
        requireOwner(remote, client, action);
        if (expireIfDue(remote, now)) {
            publish();
        }
        if (remote.state == DaemonState.LEASE_EXPIRED) {
            throw new RequestRefused(RequestRefused.Reason.Expired, Optional.of("name"), "the lease of " + name + " expired at " + remote.expiresAt
                    + "; its conditions are Unknown until it registers again (PUT /v1/daemons/" + name + ")");
        }
        remote.expiresAt = now.plus(remote.registration.lease());
        return remote;
    }

    private boolean expireIfDue(Remote remote, Instant now) {
        if (remote.state != DaemonState.RUNNING || now.isBefore(remote.expiresAt)) {
            return false;
        }
        String name = remote.registration.name();
        Duration lease = remote.registration.lease();
        remote.state = DaemonState.LEASE_EXPIRED;
        remote.since = now;
        remote.lastError = Optional.of("no report or lease renewal for " + lease.toSeconds() + "s (lease expired at " + remote.expiresAt + ")");
        reporter.book().markUnknown(name, Supervisor.NOT_RUNNING, name + " stopped: " + remote.lastError.get()
                + "; its conditions return when it registers again", now);
        log.warn("remote daemon lease expired daemon={} lease={}s", name, lease.toSeconds());
        return true;
    }

    /**
     * A daemon answers to the client that registered it, even after its lease lapsed: another client
     * taking the name then could report a dead detector's conditions healthy.
     */
    private static void requireOwner(Remote remote, Peer client, String action) throws RequestRefused {
        if (!remote.owner.equals(client)) {
            String name = remote.registration.name();
            throw new RequestRefused(RequestRefused.Reason.Forbidden, Optional.of("name"), "daemon " + name + " was registered by "
                    + remote.owner.describe() + " and this request comes from " + client.describe() + "; only the client that registered a daemon may "
                    + action + " — choose another name, or run this as the daemon's own user");
        }
    }

    private static RequestRefused notFound(String name) {
        return new RequestRefused(RequestRefused.Reason.NotFound, Optional.of("name"), "no daemon " + name
                + " is registered; register it first (PUT /v1/daemons/" + name + ")");
    }

    private Counter rateLimitedCounter(String daemon) {
        return Counter.builder("nodemedic_report_rate_limited").description("requests to the report socket refused by a daemon's rate limit")
                .tag("daemon", daemon).register(registry);
    }

    private void publish() {
        List<DaemonStatus> statuses = new ArrayList<>(daemons.size());
        for (Remote r : daemons.values()) {
            statuses.add(new DaemonStatus(r.registration.name(), r.registration.name(), PLUGIN, r.registration.version(), r.state, r.restarts,
                    r.lastError, r.since, Optional.empty()));
        }
        onPublish.accept(List.copyOf(statuses));
    }

    /** One remote daemon across its registrations. Guarded by the registry's lock. */
    private static final class Remote {
        Registration registration;
        /** The client that registered it, the only one it answers to. */
        final Peer owner;
        final TokenBucket bucket;
        final Counter rateLimited;
        DaemonState state = DaemonState.RUNNING;
        Instant since;
        Instant expiresAt;
        int restarts;
        Optional<String> lastError = Optional.empty();

        Remote(Registration registration, Peer owner, TokenBucket bucket, Counter rateLimited, Instant now) {
            this.registration = registration;
            this.owner = owner;
            this.bucket = bucket;
            this.rateLimited = rateLimited;
            this.since = now;
            this.expiresAt = now;
        }

        RemoteStatus status() {
            return new RemoteStatus(registration, state, expiresAt, restarts, lastError);
        }
    }
}
