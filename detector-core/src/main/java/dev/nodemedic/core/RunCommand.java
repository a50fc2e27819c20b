package dev.nodemedic.core;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.AgentConfig.ReportConfig;
import dev.nodemedic.core.config.AgentConfigLoader;
import dev.nodemedic.core.plugins.AgentConfigReloads;
import dev.nodemedic.core.remote.ReportSocket;
import dev.nodemedic.daemon.api.AgentConfigFile;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.reporter.kubernetes.BootTime;
import dev.nodemedic.reporter.kubernetes.KubernetesReporting;
import dev.nodemedic.reporter.kubernetes.KubernetesSettings;
import dev.nodemedic.reporter.kubernetes.NodeName;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "run", description = {"Runs the node agent until it is stopped (SIGTERM or Ctrl-C).",
        "With --local it needs no cluster: conditions and events go to the log and the status page."},
        footer = {"", "node-problem-detector's flags are accepted too (--config.system-log-monitor=FILE,..., --config.custom-plugin-monitor,",
                "--port, --prometheus-port, --enable-k8s-exporter, klog's --logtostderr, ...), so an NPD DaemonSet's command runs unchanged;",
                "how each maps: deploy/README.md, \"Migrate from NPD\"."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    NodemedicRoot parent;

    @Mixin
    NpdFlags npd = new NpdFlags();

    @Spec
    CommandSpec spec;

    @Option(names = "--local", description = "Report to the log, the status page and metrics only; talk to no Kubernetes API.")
    boolean local;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to reach the API server with. Default: the config's, else the in-cluster service account, else KUBECONFIG, else ~/.kube/config.")
    Path kubeconfig;

    @Option(names = "--config", paramLabel = "FILE", description = "The agent config (YAML). Default: none, every setting at its default.")
    Path config;

    @Option(names = "--plugins-dir", paramLabel = "DIR", description = "The folder of daemon plugin jars, watched while running. Default: plugins/ of the installation.")
    Path pluginsDir;

    // Flags, not only the config file: a DaemonSet gives the pod's own IP ($(POD_IP) from the downward
    // API) here, which no file shipped in a ConfigMap can know.
    @Option(names = "--status-address", paramLabel = "ADDRESS",
            description = "Where the status page, /conditions and /healthz listen, over the config's status.address (127.0.0.1 by default).")
    String statusAddress;

    @Option(names = "--metrics-address", paramLabel = "ADDRESS",
            description = "Where /metrics listens, over the config's metrics.address (127.0.0.1 by default).")
    String metricsAddress;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: one JSON object per line.")
    LogFormat logFormat = LogFormat.text;

    @Option(names = "--debug", description = "Log at debug level.")
    boolean debug;

    @Option(names = "--stop-after", paramLabel = "DURATION", converter = DurationArgument.class,
            description = "Stop by itself after this long (90s, 5m): for a trial run, a smoke test, or the build's AOT training run.")
    Duration stopAfter;

    private static ClusterConnector cluster(AgentConfig config, NodeName node, Clock clock) throws IOException {
        // The boot time tells a condition set during this boot (adopted after an agent restart) from one set before a reboot.
        BootTime boot = BootTime.fromProcStat(Path.of("/proc/stat"));
        KubernetesSettings settings = KubernetesSettings.defaults(node.value(), boot).withHeartbeat(config.kubernetes().heartbeat());
        return (vertx, registry) -> Optional.of(KubernetesReporting.connect(vertx, config.kubernetes().kubeconfigFile(), settings, clock, registry));
    }

    private static String cannotConnect(Throwable failure) {
        return failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                ? failure.getMessage() + "; the agent stops"
                : "cannot build the Kubernetes API client (" + failure + "); check the kubeconfig, or run with --local; the agent stops";
    }

    /** The host name as kubelet registers it by default: the kernel's, where there is one. */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException notLinux) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                throw new IllegalStateException("cannot tell this machine's host name (" + e.getMessage() + ")", e);
            }
        }
    }

    /**
     * A cluster's socket is in a volume shared with sidecars (and needs root); a local run's must work
     * without. NPD's command line has no such socket, and its pod neither the volume nor (as our image's
     * user) the right to make {@code /run/nodemedic}: there the socket is off unless the agent config names one.
     */
    private ReportConfig reportSocket(ReportConfig report, boolean local) {
        if (report.socketFile().isPresent()) {
            return report;
        }
        if (npd.namesMonitors()) {
            return new ReportConfig(false, null, report.permissions(), report.maxDaemons(), report.requestsPerSecond(), report.burst());
        }
        return report.withSocket(local ? ReportSocket.localDefault(System.getenv()) : ReportConfig.CLUSTER_SOCKET);
    }

    /**
     * Tells the agent's children which config it runs with ({@link AgentConfigFile}): custom-plugin passes this
     * to its scripts as {@code NODEMEDIC_CONFIG}, so NPD's helpers it starts apply this
     * file's {@code pluginDigests}, not the installation's {@code config/nodemedic.yaml} (in a pod, the image's
     * while the agent runs the ConfigMap's). A property, as a JVM cannot change its own environment; absolute,
     * as a script may run in another directory.
     */
    static void exportConfig(Path config) {
        System.setProperty(AgentConfigFile.SYSTEM_PROPERTY, config.toAbsolutePath().normalize().toString());
    }

    /** A reload binds the file's text and applies the same flags over it, so the same file gives the same effective config. */
    AgentConfigReloads.Source reloadSource(Path file, boolean local) {
        return text -> effective(new AgentConfigLoader(new ConfigBinder()).load(file, text, parent.home), local);
    }

    /** The loaded file with the command line applied over it: this run's flags, then NPD's, then the report socket for the mode. */
    private AgentConfig effective(AgentConfig loaded, boolean local) {
        AgentConfig effective = npd.applyTo(new AgentConfig(loaded.nodeName(),
                pluginsDir == null ? loaded.pluginsDir() : pluginsDir.toAbsolutePath().normalize(), loaded.configDir(),
                statusAddress == null ? loaded.status() : new AgentConfig.StatusConfig(statusAddress, loaded.status().port()),
                metricsAddress == null ? loaded.metrics() : new AgentConfig.MetricsConfig(metricsAddress, loaded.metrics().port()),
                kubeconfig == null ? loaded.kubernetes() : new AgentConfig.KubernetesConfig(kubeconfig.toAbsolutePath(), loaded.kubernetes().heartbeat()),
                loaded.daemons(), loaded.supervision(), loaded.report(), loaded.onlyListedDaemons(), loaded.pluginDigests()));
        return effective.withReport(reportSocket(effective.report(), local));
    }

    @Override
    public Integer call() throws Exception {
        logFormat.install(debug ? Level.FINE : Level.INFO);
        // NPD's --enable-k8s-exporter=false talks to no API server: that is --local.
        boolean local = this.local || !npd.reportsToKubernetes();
        AgentConfig effective;
        Optional<AgentConfigReloads.Watch> reload = Optional.empty();
        try {
            if (config == null) {
                effective = effective(new AgentConfigLoader(new ConfigBinder()).load(Optional.empty(), parent.home), local);
            } else {
                // Read once: the reloads compare the file with what the agent was started on, not with a later read.
                AgentConfigReloads.Start start = AgentConfigReloads.Watch.start(config, reloadSource(config, local));
                effective = start.config();
                reload = Optional.of(start.watch());
            }
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("nodemedic: " + e.getMessage());
            return 2;
        }
        npd.ignored().forEach(flag -> log.info("NPD flag accepted, no effect here: {}", flag));
        NodeName node;
        try {
            node = NodeName.resolve(effective.configuredNodeName(), System.getenv(), RunCommand::hostName);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("nodemedic: " + e.getMessage() + "; set nodeName in the agent config or NODE_NAME");
            return 2;
        }
        if (config != null) {
            exportConfig(config);
        }
        Clock clock = Clock.systemUTC();
        ClusterConnector connector = local ? ClusterConnector.none() : cluster(effective, node, clock);
        Agent agent;
        try {
            agent = Agent.start(effective, reload, node.value(), AgentVersion.ofThisBuild().version(), local ? "local" : "cluster", clock, connector);
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("nodemedic: " + e.getMessage());
            return 2;
        }
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            try {
                agent.close();
            } catch (Exception e) {
                System.err.println("nodemedic: shutdown was not clean: " + e);
            } finally {
                exit.complete(0);
            }
        }));
        // The agent is up before its API client is built (a readiness probe need not wait for it); a
        // client that cannot be built (a kubeconfig that is not readable or not valid) stops it as it
        // did before it started.
        agent.clusterConnected().whenComplete((connected, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            // Cancelled: the agent stopped before its client was built.
            if (cause != null && !(cause instanceof CancellationException)) {
                spec.commandLine().getErr().println("nodemedic: " + cannotConnect(cause));
                exit.complete(2);
            }
        });
        int code = stopAfter == null ? exit.get() : exit.completeOnTimeout(0, stopAfter.toMillis(), TimeUnit.MILLISECONDS).get();
        agent.close();
        return code;
    }
}
