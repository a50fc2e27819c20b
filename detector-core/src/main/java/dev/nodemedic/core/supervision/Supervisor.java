package dev.nodemedic.core.supervision;

import dev.nodemedic.core.config.AgentConfig.SupervisionConfig;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.reporter.ConditionClaimException;
import dev.nodemedic.reporter.OwnedCondition;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs daemon instances and keeps one bad daemon from hurting the others: a failure (thrown from
 * start, from a task, or reported) stops the instance, turns its conditions Unknown with the reason,
 * and starts a fresh object after a doubling backoff that starts over once a run has been stable.
 *
 * <p>Not thread-safe by design: every method runs on the agent's one supervision thread. Failures seen
 * on other threads are handed over through {@code loop}.
 */
public final class Supervisor {
    /** The reason of an instance's conditions while it is not running. */
    public static final String NOT_RUNNING = "DaemonNotRunning";
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final Reporter reporter;
    private final Clock clock;
    private final Executor loop;
    private final SupervisionConfig settings;
    private final Backoff backoff;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final MeterRegistry registry;
    private final Consumer<List<DaemonStatus>> onPublish;
    private final InstanceNames names;
    private final HostServices hostServices;
    private volatile List<DaemonStatus> statuses = List.of();
    private volatile Instant lastTick;

    public Supervisor(Reporter reporter, Clock clock, Executor loop, SupervisionConfig settings) {
        this(reporter, clock, loop, settings, new SimpleMeterRegistry(), statuses -> { }, new InstanceNames(), HostServices.NONE);
    }

    /**
     * @param registry  where the daemons' own counters ({@link dev.nodemedic.daemon.api.DaemonContext#counter}) go
     * @param onPublish hears every new snapshot of the instances' statuses, on the supervision thread
     * @param names     the node's instance names, shared with the remote daemons
     * @param hostServices what the agent shares with daemons ({@link dev.nodemedic.daemon.api.DaemonContext#hostService})
     */
    public Supervisor(Reporter reporter, Clock clock, Executor loop, SupervisionConfig settings, MeterRegistry registry,
            Consumer<List<DaemonStatus>> onPublish, InstanceNames names, HostServices hostServices) {
        this.names = names;
        this.hostServices = hostServices;
        this.registry = registry;
        this.onPublish = onPublish;
        this.reporter = reporter;
        this.clock = clock;
        this.loop = loop;
        this.settings = settings;
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        this.lastTick = clock.instant();
    }

    /**
     * Declares the instance's conditions and reasons and starts it.
     *
     * @return why it was refused, if it was: its name is taken or a condition type is owned by another
     */
    public Optional<String> add(DaemonSpec spec) {
        Instance taken = instances.get(spec.instanceName());
        if (taken != null) {
            return Optional.of("daemon instance " + spec.instanceName() + " of plugin " + spec.pluginId() + " is not started: an instance of that name already runs from plugin "
                    + taken.spec.pluginId() + "; give one of them another name in the agent config's daemons list");
        }
        Optional<String> holder = names.claim(spec.instanceName(), holder(spec));
        if (holder.isPresent()) {
            return Optional.of("daemon instance " + spec.instanceName() + " of plugin " + spec.pluginId() + " is not started: the name is taken by "
                    + holder.get() + "; give this instance another name in the agent config's daemons list");
        }
        try {
            reporter.book().declare(spec.instanceName(), spec.conditions(), clock.instant());
        } catch (ConditionClaimException e) {
            names.release(spec.instanceName(), holder(spec));
            return Optional.of("daemon instance " + spec.instanceName() + " of plugin " + spec.pluginId() + " is not started: " + e.getMessage()
                    + (e.overLimit() ? "; the other daemons run" : "; the other daemons run — disable one of the two in the agent config"));
        }
        reporter.declareReasons(spec.instanceName(), spec.reasons());
        Instance instance = new Instance(spec);
        instances.put(spec.instanceName(), instance);
        start(instance, clock.instant());
        return Optional.empty();
    }

    /**
     * Runs an instance on a new spec (its config file changed): the old daemon object stops and a new
     * one starts with the new config. The book keeps the state and transition time of every condition
     * type that remains, withdraws the types no longer declared, and starts new ones at their healthy
     * default. Refused, with the old object left running, when the instance is not running here or a
     * new type is owned by another daemon.
     *
     * @return why it was refused, if it was
     */
    public Optional<String> replace(DaemonSpec next) {
        Instance instance = instances.get(next.instanceName());
        if (instance == null || !instance.spec.pluginId().equals(next.pluginId())) {
            return Optional.of("daemon instance " + next.instanceName() + " of plugin " + next.pluginId() + " is not running here, so there is nothing to reload");
        }
        Optional<String> claimed = claimedByAnother(next);
        if (claimed.isPresent()) {
            return claimed;
        }
        stop(instance, "its config changed");
        instance.retired = false;
        DaemonSpec previous = instance.spec;
        instance.spec = next;
        try {
            reporter.book().declare(next.instanceName(), next.conditions(), clock.instant());
        } catch (ConditionClaimException e) {
            // Another owner (a remote daemon registering on its own thread) took a type since the check above.
            instance.spec = previous;
            start(instance, clock.instant());
            return Optional.of("daemon instance " + next.instanceName() + " keeps running on its previous config: " + e.getMessage());
        }
        reporter.declareReasons(next.instanceName(), next.reasons());
        // A new config is a fresh start, not a failure: whatever backoff the old one earned is forgiven.
        instance.consecutiveFailures = 0;
        start(instance, clock.instant());
        return Optional.empty();
    }

    private Optional<String> claimedByAnother(DaemonSpec next) {
        for (ConditionDeclaration declaration : next.conditions()) {
            Optional<OwnedCondition> held = reporter.book().snapshot().get(declaration.type());
            if (held.isPresent() && !held.get().owner().equals(next.instanceName())) {
                return Optional.of("daemon instance " + next.instanceName() + " keeps running on its previous config: condition type "
                        + declaration.type() + " is already owned by daemon " + held.get().owner());
            }
        }
        return Optional.empty();
    }

    /** The specs of the instances a plugin runs here (in any state): what a new agent config is compared with. */
    public List<DaemonSpec> specsOf(String pluginId) {
        return instances.values().stream().map(i -> i.spec).filter(s -> s.pluginId().equals(pluginId)).toList();
    }

    /** Stops one instance and withdraws its conditions: the agent config no longer runs it. */
    public void remove(String instanceName, String why) {
        Instance instance = instances.get(instanceName);
        if (instance != null) {
            discard(instance, why);
            publish();
        }
    }

    /** Stops every instance of a plugin and withdraws its conditions: the plugin is going away. */
    public void removePlugin(String pluginId) {
        for (Instance instance : List.copyOf(instances.values())) {
            if (instance.spec.pluginId().equals(pluginId)) {
                discard(instance, "its plugin was removed");
            }
        }
        publish();
    }

    /** Stops an instance for good: it leaves the supervisor, its conditions leave the book and its name is free again. */
    private void discard(Instance instance, String why) {
        stop(instance, why);
        instances.remove(instance.spec.instanceName());
        reporter.withdraw(instance.spec.instanceName());
        names.release(instance.spec.instanceName(), holder(instance.spec));
    }

    /**
     * Restarts what is due and forgives what has been stable. The loop calls it once a second;
     * tests call it with their clock. A restart publishes the statuses as every start and failure does;
     * a tick that changed nothing publishes nothing (it used to, five times a second: the most of an
     * idle agent's supervision CPU).
     */
    public void tick(Instant now) {
        lastTick = now;
        for (Instance instance : instances.values()) {
            if (instance.state == DaemonState.BACKING_OFF && !now.isBefore(instance.nextStart)) {
                instance.restarts++;
                log.info("daemon restarting daemon={} restarts={}", instance.spec.instanceName(), instance.restarts);
                start(instance, now);
            } else if (instance.state == DaemonState.RUNNING && instance.consecutiveFailures > 0
                    && !now.isBefore(instance.since.plus(settings.stableAfter()))) {
                // Not in the statuses: nothing to publish.
                instance.consecutiveFailures = 0;
            }
        }
    }

    /** Stops everything, newest first. For shutdown. */
    public void stopAll() {
        List<Instance> all = new ArrayList<>(instances.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            stop(all.get(i), "the agent is stopping");
        }
        publish();
    }

    public List<DaemonStatus> statuses() {
        return statuses;
    }

    /** When the supervision loop last ran: the agent is healthy while this is recent. */
    public Instant lastTick() {
        return lastTick;
    }

    private void start(Instance instance, Instant now) {
        int generation = ++instance.generation;
        InstanceContext context = new InstanceContext(instance.spec, reporter, clock, registry, hostServices, cause -> loop.execute(() -> failed(instance, generation, cause)));
        ProblemDaemon<Object> daemon;
        try {
            daemon = instance.spec.factory().get();
            instance.daemon = daemon;
            instance.context = context;
            // Re-declaring gives back what the conditions said before the failure made them Unknown.
            reporter.book().declare(instance.spec.instanceName(), instance.spec.conditions(), now);
            bounded("start()", settings.startTimeout(), () -> {
                daemon.start(context);
                return null;
            });
        } catch (Exception | LinkageError e) {
            failed(instance, generation, unwrap(e));
            return;
        }
        instance.state = DaemonState.RUNNING;
        instance.since = now;
        log.info("daemon started daemon={} plugin={} version={}", instance.spec.instanceName(), instance.spec.pluginId(), instance.spec.pluginVersion());
        publish();
    }

    private void failed(Instance instance, int generation, Throwable cause) {
        // One failure per start: a daemon's thread and its scheduler may both report the same death.
        if (generation != instance.generation || instance.retired || instance.failedGeneration == generation) {
            return;
        }
        instance.failedGeneration = generation;
        Instant now = clock.instant();
        String why = describe(cause);
        Optional<String> hung = stopDaemon(instance);
        instance.consecutiveFailures++;
        Duration wait = backoff.after(instance.consecutiveFailures);
        instance.state = DaemonState.BACKING_OFF;
        instance.since = now;
        instance.nextStart = now.plus(wait);
        instance.lastError = Optional.of(why + hung.map(h -> "; " + h).orElse(""));
        String message = instance.spec.instanceName() + " stopped: " + instance.lastError.get() + "; restart in " + GoDuration.formatShort(wait);
        reporter.book().markUnknown(instance.spec.instanceName(), NOT_RUNNING, message, now);
        log.warn("daemon failed daemon={} restartIn={} error=\"{}\"", instance.spec.instanceName(), GoDuration.formatShort(wait), instance.lastError.get(),
                log.isDebugEnabled() ? cause : null);
        publish();
    }

    private void stop(Instance instance, String why) {
        if (instance.state == DaemonState.RUNNING) {
            stopDaemon(instance).ifPresent(hung -> instance.lastError = Optional.of(hung));
        }
        instance.state = DaemonState.STOPPED;
        instance.retired = true;
        instance.since = clock.instant();
        log.info("daemon stopped daemon={} why=\"{}\"", instance.spec.instanceName(), why);
    }

    /** Calls stop() within the bound, then closes the context. Returns what went wrong, if it did. */
    private Optional<String> stopDaemon(Instance instance) {
        ProblemDaemon<Object> daemon = instance.daemon;
        InstanceContext context = instance.context;
        instance.daemon = null;
        instance.context = null;
        Optional<String> problem = Optional.empty();
        if (daemon != null) {
            try {
                bounded("stop()", settings.stopTimeout(), () -> {
                    daemon.stop();
                    return null;
                });
            } catch (TimeoutException e) {
                problem = Optional.of("stop() did not return within " + GoDuration.formatShort(settings.stopTimeout()) + ", its thread is abandoned");
                log.warn("daemon hung in stop daemon={} waited={}", instance.spec.instanceName(), GoDuration.formatShort(settings.stopTimeout()));
            } catch (Exception | LinkageError e) {
                problem = Optional.of("stop() threw " + describe(unwrap(e)));
            }
        }
        if (context != null) {
            context.close();
        }
        return problem;
    }

    /** Runs a daemon's method on its own virtual thread, waiting at most {@code limit}: a daemon cannot hold the loop. */
    private void bounded(String what, Duration limit, Callable<Void> call) throws Exception {
        FutureTask<Void> task = new FutureTask<>(call);
        Thread thread = Thread.ofVirtual().name("daemon-" + what).start(task);
        try {
            task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new TimeoutException(what + " did not return within " + GoDuration.formatShort(limit));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private void publish() {
        List<DaemonStatus> next = new ArrayList<>(instances.size());
        for (Instance i : instances.values()) {
            next.add(new DaemonStatus(i.spec.instanceName(), i.spec.daemonName(), i.spec.pluginId(), i.spec.pluginVersion(), i.state, i.restarts,
                    i.lastError, i.since, i.state == DaemonState.BACKING_OFF ? Optional.of(i.nextStart) : Optional.empty()));
        }
        statuses = List.copyOf(next);
        onPublish.accept(statuses);
    }

    private static String holder(DaemonSpec spec) {
        return "the daemon instance of plugin " + spec.pluginId();
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        if (cause instanceof TimeoutException && message != null) {
            return message;
        }
        return message == null || message.isBlank() ? cause.getClass().getName() : message + " (" + cause.getClass().getSimpleName() + ")";
    }

    /** One configured instance across all its starts. */
    private static final class Instance {
        DaemonSpec spec;
        DaemonState state = DaemonState.STOPPED;
        boolean retired;
        int generation;
        int failedGeneration;
        int restarts;
        int consecutiveFailures;
        Instant since = Instant.EPOCH;
        Instant nextStart = Instant.EPOCH;
        Optional<String> lastError = Optional.empty();
        ProblemDaemon<Object> daemon;
        InstanceContext context;

        Instance(DaemonSpec spec) {
            this.spec = spec;
        }
    }
}
