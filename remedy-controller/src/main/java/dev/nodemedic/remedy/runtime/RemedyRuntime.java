package dev.nodemedic.remedy.runtime;

import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.ActionsByMode;
import dev.nodemedic.remedy.action.ClusterPods;
import dev.nodemedic.remedy.action.EvictionDrainer;
import dev.nodemedic.remedy.action.KubernetesNodeActions;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.controller.ControllerSettings;
import dev.nodemedic.remedy.scheduling.ExecutorScheduler;
import dev.nodemedic.remedy.controller.RemedyController;
import dev.nodemedic.remedy.controller.RemedyMetrics;
import dev.nodemedic.remedy.scheduling.Scheduler;
import dev.nodemedic.remedy.event.NodeConditionPatch;
import dev.nodemedic.remedy.event.RemedyEventRecorder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller process, wired: one Vert.x for the API client's HTTP and the probe server, one
 * Prometheus registry, and leader election. Every replica serves probes and metrics; only the leader
 * runs a {@link Term} (the remedy controller with its informers and actions). Terms begin and end on
 * one thread, so a leadership flap can never run two controllers at once.
 */
public final class RemedyRuntime implements Probes, Leadership.Follower, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemedyRuntime.class);
    /** A relist after a dropped watch takes seconds; a minute without watches means the API server is lost to this replica. */
    static final Duration UNHEALTHY_AFTER = Duration.ofMinutes(1);
    /** The API server is given this long per request; informers' watches are not bound by it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** A graceful stop waits this long for the controller's current pass; Kubernetes' default grace period is 30 s. */
    static final Duration STOP_WITHIN = Duration.ofSeconds(20);

    /** One leadership term: what only the leader runs. */
    private record Term(ClusterPods pods, RemedyController controller, ExecutorScheduler events) implements AutoCloseable {
        /**
         * The Events' thread after the controller's: a pass ending now may still record what it did. A thread that does
         * not end is logged, and the pod informers are closed all the same: this replica no longer leads.
         */
        @Override
        public void close() {
            controller.close();
            try {
                events.close();
            } catch (IllegalStateException e) {
                log.warn("events thread did not close cleanly: {}", e.getMessage());
            }
            pods.close();
        }
    }

    private final RunOptions options;
    private final Clock clock;
    private final Vertx vertx;
    private final KubernetesClient client;
    private final PrometheusMeterRegistry registry;
    /** One for the process: each term's controller reports through it (Micrometer keeps the first gauge of a name). */
    private final RemedyMetrics metrics;
    private final ExecutorService terms = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("remedy-term").daemon(true).factory());
    private final AtomicReference<Term> term = new AtomicReference<>();
    private final AtomicReference<String> termFailure = new AtomicReference<>();
    private final AtomicReference<Instant> unwatchedSince = new AtomicReference<>();
    private Leadership leadership;
    private ProbeServer server;

    private RemedyRuntime(RunOptions options, Clock clock, Vertx vertx, KubernetesClient client, PrometheusMeterRegistry registry) {
        this.options = options;
        this.clock = clock;
        this.vertx = vertx;
        this.client = client;
        this.registry = registry;
        this.metrics = new RemedyMetrics(registry);
    }

    /**
     * Starts serving probes and stands for election; returns once the probe server listens.
     *
     * @throws IllegalArgumentException naming the kubeconfig that cannot be read
     * @throws IllegalStateException    naming the address and port that cannot be bound
     */
    public static RemedyRuntime start(RunOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(4)
                // No .vertx cache folder: the container's root file system is read-only.
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        KubernetesClient client;
        try {
            client = new KubernetesClientBuilder().withConfig(config(options)).withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        RemedyRuntime runtime = new RemedyRuntime(options, clock, vertx, client, registry);
        try {
            runtime.serve();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        runtime.leadership = new Leadership(client, options.lease(), runtime);
        runtime.leadership.start();
        log.info("remedy controller started identity={} lease={}/{} probes=http://{}:{}/healthz paused={} dryRun={}", options.lease().identity(),
                options.lease().namespace(), options.lease().name(), options.address(), runtime.port(), options.paused(), options.dryRun());
        return runtime;
    }

    /**
     * The API client's config: no retries inside the client, since the controller reschedules failed
     * work itself and a drain must see a PodDisruptionBudget's 429 rather than wait it out.
     */
    static Config config(RunOptions options) {
        Config config = options.kubeconfig().map(path -> {
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException("kubeconfig " + path + " does not exist or is not readable; give --kubeconfig a readable file,"
                        + " or leave it out to use the in-cluster service account");
            }
            return Config.fromKubeconfig(path.toFile());
        }).orElseGet(() -> Config.autoConfigure(null));
        config.setRequestRetryBackoffLimit(0);
        config.setRequestTimeout(Math.toIntExact(REQUEST_TIMEOUT.toMillis()));
        return config;
    }

    private void serve() {
        server = new ProbeServer(options.address(), options.port(), this, registry);
        try {
            vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the probe server on " + options.address() + ":" + options.port() + " did not start within 30 s", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + options.address() + ":" + options.port() + " (" + e.getMessage()
                    + "); another process holds the port, change --port or --address", e);
        }
    }

    /** The probe server's port. */
    public int port() {
        return server.actualPort();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public boolean isLeader() {
        return leadership != null && leadership.isLeader();
    }

    /** True while this replica runs the remedy controller. */
    public boolean acting() {
        return term.get() != null;
    }

    @Override
    public void startLeading() {
        terms.execute(this::beginTerm);
    }

    @Override
    public void stopLeading() {
        terms.execute(this::endTerm);
    }

    private void beginTerm() {
        if (term.get() != null || !leadership.isLeader()) {
            return;
        }
        ClusterPods pods = ClusterPods.start(client);
        // One thread per term for the passes, closed with the controller, and one for the Events: an Event the API server is
        // slow to take holds its thread up to the request timeout, which a pass (a cordon's ledger, every other node) must not wait for.
        ExecutorScheduler scheduler = new ExecutorScheduler(clock, "remedy-controller");
        ExecutorScheduler events = ExecutorScheduler.interruptible(clock, "remedy-events");
        RemedyController controller = new RemedyController(client, scheduler, clock, metrics, actions(pods, events),
                new ControllerSettings(options.paused(), options.maxInFlight()));
        try {
            controller.start();
        } catch (RuntimeException e) {
            new Term(pods, controller, events).close();
            String why = "cannot watch nodes, NodeRemedyPolicies and NodeRemedyLedgers (" + e.getMessage() + "); check that both CRDs"
                    + " (noderemedypolicies and noderemedyledgers.remedy.nodemedic.dev) are installed (helm upgrade does not install a new"
                    + " CRD: kubectl apply -f deploy/helm/nodemedic/crds/) and the service account may list and watch nodes, noderemedypolicies"
                    + " and noderemedyledgers";
            termFailure.set(why);
            log.error("leading but not acting: {}", why);
            return;
        }
        termFailure.set(null);
        term.set(new Term(pods, controller, events));
    }

    private void endTerm() {
        Term ended = term.getAndSet(null);
        termFailure.set(null);
        if (ended != null) {
            ended.close();
        }
    }

    /**
     * The two action sets; with {@code --dry-run} both are dry-run, so no policy can write.
     *
     * @param eventScheduler the term's thread for Events, not the passes'
     */
    private ActionsByMode actions(ClusterPods pods, Scheduler eventScheduler) {
        Actions dryRun = actions(pods, eventScheduler, Mode.DRY_RUN);
        return new ActionsByMode(options.dryRun() ? dryRun : actions(pods, eventScheduler, Mode.APPLY), dryRun);
    }

    private Actions actions(ClusterPods pods, Scheduler eventScheduler, Mode mode) {
        RemedyEventRecorder events = new RemedyEventRecorder(client, eventScheduler, clock, mode, options.lease().identity(), metrics);
        return new Actions(mode,
                new KubernetesNodeActions(client, events, clock, mode),
                new EvictionDrainer(client, pods, events, clock, mode, new SplittableRandom()),
                events,
                new NodeConditionPatch(client, events, clock, mode));
    }

    @Override
    public Verdict health() {
        Optional<String> failure = Optional.ofNullable(termFailure.get());
        if (failure.isPresent()) {
            return Verdict.failing("leading but not acting: " + failure.get());
        }
        Term current = term.get();
        if (current == null) {
            return Verdict.ok("ok: " + role());
        }
        if (current.controller().watching() && current.pods().watching()) {
            unwatchedSince.set(null);
            return Verdict.ok("ok: leading, watching nodes, policies, pods and budgets");
        }
        Instant now = clock.instant();
        Instant since = unwatchedSince.updateAndGet(previous -> previous == null ? now : previous);
        Duration lost = Duration.between(since, now);
        return lost.compareTo(UNHEALTHY_AFTER) > 0
                ? Verdict.failing("informers have not been watching for " + lost.toSeconds() + "s: the API server is unreachable from this replica")
                : Verdict.ok("ok: leading, informers re-listing for " + lost.toSeconds() + "s");
    }

    @Override
    public Verdict readiness() {
        Term current = term.get();
        if (isLeader() && (current == null || !current.pods().synced())) {
            return Verdict.failing("leading, still listing nodes, policies, pods and budgets");
        }
        return Verdict.ok("ready: " + role());
    }

    private String role() {
        if (isLeader()) {
            return "leading";
        }
        return leadership == null ? "starting" : "following; leader is " + leadership.leader().orElse("not known yet");
    }

    /**
     * Stops acting first, then gives the Lease up (the next leader starts at once rather than after the
     * lease duration), then the probe server, the client and Vert.x.
     */
    @Override
    public void close() {
        try {
            terms.submit(this::endTerm).get(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("the remedy controller did not stop within {}s: {}", STOP_WITHIN.toSeconds(), e.toString());
        }
        if (leadership != null) {
            leadership.close();
        }
        terms.shutdown();
        client.close();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Vert.x did not close within 10s: {}", e.toString());
        }
        log.info("remedy controller stopped identity={}", options.lease().identity());
    }
}
