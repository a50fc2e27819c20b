package dev.nodemedic.core;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.http.AgentInfo;
import dev.nodemedic.core.http.MetricsServer;
import dev.nodemedic.core.http.StatusServer;
import dev.nodemedic.core.journal.HostJournal;
import dev.nodemedic.core.plugins.AgentConfigReloads;
import dev.nodemedic.core.plugins.ConfigReloads;
import dev.nodemedic.core.plugins.HeldBackJars;
import dev.nodemedic.core.plugins.InstancePlanner;
import dev.nodemedic.core.plugins.JarTrust;
import dev.nodemedic.core.plugins.MissingDaemons;
import dev.nodemedic.core.plugins.PluginHost;
import dev.nodemedic.core.plugins.PluginsFolder;
import dev.nodemedic.core.plugins.PluginsReconciler;
import dev.nodemedic.core.plugins.Refusals;
import dev.nodemedic.core.remote.RemoteDaemons;
import dev.nodemedic.core.remote.ReportServer;
import dev.nodemedic.core.remote.ReportSocket;
import dev.nodemedic.core.supervision.DaemonMetrics;
import dev.nodemedic.core.supervision.DaemonRoster;
import dev.nodemedic.core.supervision.HostServices;
import dev.nodemedic.core.supervision.InstanceNames;
import dev.nodemedic.core.supervision.Supervisor;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.reporter.Exporter;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import dev.nodemedic.reporter.log.LogExporter;
import dev.nodemedic.reporter.prometheus.PrometheusExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent, wired: reporter, plugin host, supervision, the status server and the report socket
 * of remote daemons. Plugin and daemon lifecycle all happens on one thread ({@code supervision}); the
 * status server reads snapshots and the report socket is served on Vert.x's event loop.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /**
     * How often the supervision thread wakes: to restart a failed daemon whose time has come (restarts are
     * due in whole seconds), expire silent remote daemons, and look at the plugins folder and every
     * instance's config file (a jar needs two equal looks, so it loads within ~2 s). Once a second, all in
     * one wake-up: each costs the node some 0.1 ms of CPU on a virtual machine, whatever it then does (it
     * woke six times a second, to check restarts five times).
     */
    static final long LOOK_MILLIS = 1000;

    private final Vertx vertx;
    private final ScheduledExecutorService loop;
    private final PluginHost host;
    private final Supervisor supervisor;
    private final DaemonRoster roster;
    private final RemoteDaemons remote;
    private final Reporter reporter;
    private final StatusServer status;
    private final MetricsServer metrics;
    private final ClusterLink cluster;
    private final HostJournal journal;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Agent(Vertx vertx, ScheduledExecutorService loop, PluginHost host, Supervisor supervisor, DaemonRoster roster, RemoteDaemons remote,
            Reporter reporter, StatusServer status, MetricsServer metrics, ClusterLink cluster, HostJournal journal) {
        this.vertx = vertx;
        this.loop = loop;
        this.host = host;
        this.supervisor = supervisor;
        this.roster = roster;
        this.remote = remote;
        this.reporter = reporter;
        this.status = status;
        this.metrics = metrics;
        this.cluster = cluster;
        this.journal = journal;
    }

    /**
     * Starts the agent and returns once the status and metrics servers and the report socket listen and
     * the jars already in the plugins folder are loaded. The way to the cluster is made after that, on a
     * thread of its own ({@link #clusterConnected()}): a readiness probe does not wait for the API
     * client to be built, nor for the API server. {@code config.report()} must name its socket when it
     * is enabled (the run command picks the default for the mode).
     */
    public static Agent start(AgentConfig config, String nodeName, String version, String mode, Clock clock, ClusterConnector connector)
            throws Exception {
        return start(config, Optional.empty(), nodeName, version, mode, clock, connector);
    }

    /** @param reload the agent config file, followed while the agent runs: its daemons list is applied on change ({@link AgentConfigReloads}) */
    public static Agent start(AgentConfig config, Optional<AgentConfigReloads.Watch> reload, String nodeName, String version, String mode, Clock clock,
            ClusterConnector connector) throws Exception {
        // One journal reader for the node: every daemon that follows the journal shares its one journalctl.
        return start(config, reload, nodeName, version, mode, clock, connector, HostJournal.forNode(clock));
    }

    /** @param journal the node's journal reader, which the agent closes with itself (tests give one on a journalctl played by a script) */
    static Agent start(AgentConfig config, Optional<AgentConfigReloads.Watch> reload, String nodeName, String version, String mode, Clock clock,
            ClusterConnector connector, HostJournal journal) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                // One event loop serves the status page, metrics and the API client with room to spare;
                // the default (two per core) only costs memory on a node agent.
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2)
                // No .vertx cache folder: the container's root file system is read-only.
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("supervision").daemon(true).factory());
        ClusterLink cluster = new ClusterLink(connector);
        try {
            PrometheusExporter prometheus = new PrometheusExporter();
            List<Exporter> exporters = List.of(new LogExporter(nodeName, clock), prometheus, cluster);
            Reporter reporter = new Reporter(exporters, new RecentEvents(50));
            DaemonRoster roster = new DaemonRoster(new DaemonMetrics(prometheus.registry()));
            InstanceNames names = new InstanceNames();
            Supervisor supervisor = new Supervisor(reporter, clock, loop, config.supervision(), prometheus.registry(), roster::plugins, names,
                    HostServices.of(Vertx.class, vertx).withJournal(journal));
            RemoteDaemons remote = new RemoteDaemons(reporter, clock, names, config.report(), prometheus.registry(), roster::remotes);
            // In a cluster the agent runs as root: a jar anyone else could have written is refused there.
            JarTrust.Enforcement enforcement = "cluster".equals(mode) ? JarTrust.Enforcement.REFUSE : JarTrust.Enforcement.WARN;
            PluginHost host = new PluginHost(config.pluginsDir(), JarTrust.ofThisProcess(enforcement, Set.copyOf(config.pluginDigests())));
            Refusals refusals = new Refusals();
            HeldBackJars heldBack = new HeldBackJars();
            InstancePlanner planner = new InstancePlanner(host, new ConfigBinder(), config);
            PluginsReconciler reconciler = new PluginsReconciler(new PluginsFolder(config.pluginsDir()), host, planner, supervisor, refusals, heldBack, clock,
                    new ConfigReloads(planner, supervisor, refusals, prometheus.registry(), clock), new MissingDaemons(refusals, prometheus.registry(), clock));
            try {
                loop.submit(() -> {
                    reconciler.reconcileAtStart();
                    return null;
                }).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot read the plugins folder " + config.pluginsDir() + " (" + e.getCause()
                        + "); check it exists and the agent may list it", e.getCause());
            }
            Optional<AgentConfigReloads> followed = reload.map(watch -> new AgentConfigReloads(watch, config, reconciler, refusals,
                    prometheus.registry(), clock));
            loop.scheduleWithFixedDelay(() -> {
                guarded("tick", () -> {
                    supervisor.tick(clock.instant());
                    remote.expire(clock.instant());
                });
                guarded("plugins folder", () -> {
                    // The agent config first: an instance it adds or drops is settled before its own file is looked at.
                    followed.ifPresent(AgentConfigReloads::reloadIfChanged);
                    reconciler.reconcile();
                });
            }, LOOK_MILLIS, LOOK_MILLIS, TimeUnit.MILLISECONDS);

            String reportAt = config.report().enabled() ? config.report().socketFile().map(Path::toString).orElse("") : "";
            AgentInfo info = new AgentInfo(nodeName, version, mode, config.pluginsDir().toString(), reportAt, clock.instant());
            StatusServer status = new StatusServer(config.status().address(), config.status().port(), info, reporter, supervisor, roster, refusals,
                    heldBack, clock, prometheus.registry());
            MetricsServer metrics = new MetricsServer(config.metrics().address(), config.metrics().port(), prometheus);
            await(vertx.deployVerticle(status), "status", config.status().address(), config.status().port());
            await(vertx.deployVerticle(metrics), "metrics", config.metrics().address(), config.metrics().port());
            Optional<Path> reportSocket = Optional.empty();
            if (config.report().enabled()) {
                Path socket = config.report().socketFile().orElseThrow(() -> new IllegalArgumentException("report.socket is not set"));
                try {
                    ReportSocket.prepare(socket);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot prepare the report socket " + socket + " (" + e + "); check the agent may write its"
                            + " folder, or set report.socket (or report.enabled: false) in the agent config", e);
                }
                awaitSocket(vertx.deployVerticle(new ReportServer(socket, config.report().permissions(), remote, reporter, prometheus.registry())),
                        socket);
                reportSocket = Optional.of(socket);
            }
            log.info("agent started node={} mode={} status=http://{}:{}/ metrics=http://{}:{}/metrics report={} plugins={}", nodeName, mode,
                    config.status().address(), status.actualPort(), config.metrics().address(), metrics.actualPort(),
                    reportSocket.map(s -> "unix:" + s).orElse("off"), config.pluginsDir());
            // After the first daemons declared their types (the exporter reads the node and would
            // otherwise take our types there for stale ones and delete them), and after the servers
            // listen: building the client is the slowest part of a start in a cluster.
            cluster.connect(vertx, prometheus.registry(), reporter.book());
            return new Agent(vertx, loop, host, supervisor, roster, remote, reporter, status, metrics, cluster, journal);
        } catch (Exception | Error e) {
            loop.shutdownNow();
            journal.close();
            cluster.close();
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

    /** Every daemon, plugin instances and remote daemons alike, as the status page shows them. */
    public DaemonRoster roster() {
        return roster;
    }

    public RemoteDaemons remoteDaemons() {
        return remote;
    }

    /**
     * Completes once the Kubernetes exporter has started (at once in local mode), or fails with what
     * kept the API client from being built (an unreadable kubeconfig, say): the agent cannot report
     * to its cluster then and the run command stops it.
     */
    public CompletableFuture<Void> clusterConnected() {
        return cluster.connected().thenApply(reporting -> null);
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
            journal.close();
            cluster.close();
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

    private static void awaitSocket(Future<?> deployed, Path socket) throws Exception {
        try {
            deployed.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the report server cannot listen on unix:" + socket + " (" + cause.getMessage()
                    + "); check the agent may write its folder, or set report.socket (or report.enabled: false) in the agent config", cause);
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
