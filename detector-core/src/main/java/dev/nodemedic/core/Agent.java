package dev.nodemedic.core;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.http.AgentInfo;
import dev.nodemedic.core.http.MetricsServer;
import dev.nodemedic.core.http.StatusServer;
import dev.nodemedic.core.plugins.InstancePlanner;
import dev.nodemedic.core.plugins.PluginHost;
import dev.nodemedic.core.plugins.PluginsFolder;
import dev.nodemedic.core.plugins.PluginsReconciler;
import dev.nodemedic.core.plugins.Refusals;
import dev.nodemedic.core.supervision.DaemonMetrics;
import dev.nodemedic.core.supervision.Supervisor;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.reporter.Exporter;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import dev.nodemedic.reporter.kubernetes.KubernetesReporting;
import dev.nodemedic.reporter.log.LogExporter;
import dev.nodemedic.reporter.prometheus.PrometheusExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent, wired: reporter, plugin host, supervision and the status server. Plugin and daemon
 * lifecycle all happens on one thread ({@code supervision}); the status server reads snapshots on
 * Vert.x's event loop.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** How often a failed daemon's restart time is checked; restarts are due in whole seconds. */
    static final long TICK_MILLIS = 200;
    /** How often the plugins folder is looked at; a jar needs two equal looks, so it loads within ~2 s. */
    static final long LOOK_MILLIS = 1000;

    private final Vertx vertx;
    private final ScheduledExecutorService loop;
    private final PluginHost host;
    private final Supervisor supervisor;
    private final Reporter reporter;
    private final StatusServer status;
    private final MetricsServer metrics;
    private final Optional<KubernetesReporting> cluster;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Agent(Vertx vertx, ScheduledExecutorService loop, PluginHost host, Supervisor supervisor, Reporter reporter, StatusServer status,
            MetricsServer metrics, Optional<KubernetesReporting> cluster) {
        this.vertx = vertx;
        this.loop = loop;
        this.host = host;
        this.supervisor = supervisor;
        this.reporter = reporter;
        this.status = status;
        this.metrics = metrics;
        this.cluster = cluster;
    }

    /**
     * Starts the agent and returns once the status and metrics servers listen, the jars already in the
     * plugins folder are loaded, and (in a cluster) the exporter has started from the node's state.
     */
    public static Agent start(AgentConfig config, String nodeName, String version, String mode, Clock clock, ClusterConnector connector)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                // One event loop serves the status page, metrics and the API client with room to spare;
                // the default (two per core) only costs memory on a node agent.
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2)
                // No .vertx cache folder: the container's root file system is read-only.
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("supervision").daemon(true).factory());
        Optional<KubernetesReporting> cluster = Optional.empty();
        try {
            PrometheusExporter prometheus = new PrometheusExporter();
            cluster = connector.connect(vertx, prometheus.registry());
            List<Exporter> exporters = new ArrayList<>(List.of(new LogExporter(nodeName, clock), prometheus));
            cluster.ifPresent(k -> exporters.add(k.exporter()));
            Reporter reporter = new Reporter(exporters, new RecentEvents(50));
            Supervisor supervisor = new Supervisor(reporter, clock, loop, config.supervision(), prometheus.registry(),
                    new DaemonMetrics(prometheus.registry()));
            PluginHost host = new PluginHost(config.pluginsDir());
            Refusals refusals = new Refusals();
            PluginsReconciler reconciler = new PluginsReconciler(new PluginsFolder(config.pluginsDir()), host,
                    new InstancePlanner(host, new ConfigBinder(), config), supervisor, refusals, clock);
            try {
                loop.submit(() -> {
                    reconciler.reconcileAtStart();
                    return null;
                }).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot read the plugins folder " + config.pluginsDir() + " (" + e.getCause()
                        + "); check it exists and the agent may list it", e.getCause());
            }
            // After the first daemons declared their types: the exporter reads the node and would
            // otherwise take our types there for stale ones and delete them.
            cluster.ifPresent(k -> k.start(reporter.book()));
            loop.scheduleWithFixedDelay(() -> guarded("tick", () -> supervisor.tick(clock.instant())), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            loop.scheduleWithFixedDelay(() -> guarded("plugins folder", reconciler::reconcile), LOOK_MILLIS, LOOK_MILLIS, TimeUnit.MILLISECONDS);

            AgentInfo info = new AgentInfo(nodeName, version, mode, config.pluginsDir().toString(), clock.instant());
            StatusServer status = new StatusServer(config.status().address(), config.status().port(), info, reporter, supervisor, refusals, clock);
            MetricsServer metrics = new MetricsServer(config.metrics().address(), config.metrics().port(), prometheus);
            await(vertx.deployVerticle(status), "status", config.status().address(), config.status().port());
            await(vertx.deployVerticle(metrics), "metrics", config.metrics().address(), config.metrics().port());
            log.info("agent started node={} mode={} status=http://{}:{}/ metrics=http://{}:{}/metrics plugins={}", nodeName, mode,
                    config.status().address(), status.actualPort(), config.metrics().address(), metrics.actualPort(), config.pluginsDir());
            return new Agent(vertx, loop, host, supervisor, reporter, status, metrics, cluster);
        } catch (Exception | Error e) {
            loop.shutdownNow();
            cluster.ifPresent(KubernetesReporting::close);
            vertx.close();
            throw e;
        }
    }

    public int statusPort() {
        return status.actualPort();
    }

    public int metricsPort() {
        return metrics.actualPort();
    }

    public Reporter reporter() {
        return reporter;
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    /** Stops daemons newest first, unloads plugins, stops reporting, closes the servers. Bounded by the daemons' stop timeouts. */
    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.submit(() -> {
                supervisor.stopAll();
                host.close();
            }).get(2, TimeUnit.MINUTES);
        } finally {
            loop.shutdownNow();
            cluster.ifPresent(KubernetesReporting::close);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            log.info("agent stopped");
        }
    }

    /** A taken port fails the start here, with the address and the setting to change. */
    private static void await(Future<?> deployed, String server, String address, int port) throws Exception {
        try {
            deployed.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the " + server + " server cannot listen on " + address + ":" + port + " (" + cause.getMessage()
                    + "); is another agent running? Set " + server + ".port (and " + server + ".address) in the agent config", cause);
        }
    }

    /** A periodic task that throws would never run again; log and carry on instead. */
    private static void guarded(String what, Step step) {
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            log.error("supervision step failed step=\"{}\"; retried at the next step", what, e);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
