package dev.nodemedic.core;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * node-problem-detector's command line, as its {@code cmd/options} and klog define it, accepted by
 * {@code nodemedic run} so that an NPD DaemonSet's {@code command} and {@code args} run unchanged
 * against our image. Each flag maps onto the agent config ({@link #applyTo}); a flag whose job
 * nodemedic does not do is refused with what to use instead, and one that changes nothing here
 * (klog's, the API client's rate) is accepted and named once in the log.
 *
 * <p>The flags are spelt as pflag spells them ({@code --flag=value}, {@code --flag value}, a bare
 * {@code --bool-flag}); their defaults are NPD's, which are also ours (status on 127.0.0.1:20256,
 * metrics on 127.0.0.1:20257, heartbeat 5m).
 */
final class NpdFlags {
    /** The daemon that reads NPD's system-log-monitor files. */
    static final String SYSTEM_LOG_DAEMON = "kernel-log";
    /** The daemon that runs NPD's custom-plugin-monitor files. */
    static final String CUSTOM_PLUGIN_DAEMON = "custom-plugin";
    /** The daemon that reads NPD's system-stats-monitor files. */
    static final String SYSTEM_STATS_DAEMON = "system-stats";

    // NPD's monitors: pflag string slices, comma-separated and repeatable.
    @Option(names = "--config.system-log-monitor", split = ",", paramLabel = "FILE", hidden = true)
    List<String> systemLogMonitors = new ArrayList<>();

    @Option(names = "--config.custom-plugin-monitor", split = ",", paramLabel = "FILE", hidden = true)
    List<String> customPluginMonitors = new ArrayList<>();

    @Option(names = "--config.system-stats-monitor", split = ",", paramLabel = "FILE", hidden = true)
    List<String> systemStatsMonitors = new ArrayList<>();

    // Deprecated in NPD, still in many manifests; NPD refuses them beside their successors, and so do we.
    @Option(names = "--system-log-monitors", split = ",", paramLabel = "FILE", hidden = true)
    List<String> deprecatedSystemLogMonitors = new ArrayList<>();

    @Option(names = "--custom-plugin-monitors", split = ",", paramLabel = "FILE", hidden = true)
    List<String> deprecatedCustomPluginMonitors = new ArrayList<>();

    // NPD's server (status) and Prometheus exporter.
    @Option(names = "--address", paramLabel = "ADDRESS", hidden = true)
    String address;

    @Option(names = "--port", paramLabel = "PORT", hidden = true)
    Integer port;

    @Option(names = "--prometheus-address", paramLabel = "ADDRESS", hidden = true)
    String prometheusAddress;

    @Option(names = "--prometheus-port", paramLabel = "PORT", hidden = true)
    Integer prometheusPort;

    @Option(names = "--hostname-override", paramLabel = "NAME", hidden = true)
    String hostnameOverride;

    // NPD's Kubernetes exporter.
    @Option(names = "--enable-k8s-exporter", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", hidden = true)
    Boolean enableK8sExporter;

    @Option(names = "--apiserver-override", paramLabel = "URI", hidden = true)
    String apiserverOverride;

    @Option(names = "--k8s-exporter-heartbeat-period", paramLabel = "DURATION", converter = DurationArgument.class, hidden = true)
    Duration heartbeatPeriod;

    @Option(names = "--k8s-exporter-write-events", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", hidden = true)
    Boolean writeEvents;

    @Option(names = "--k8s-exporter-update-node-conditions", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", hidden = true)
    Boolean updateNodeConditions;

    @Option(names = "--exporter.stackdriver", paramLabel = "FILE", hidden = true)
    String stackdriver;

    // Accepted and without effect here; each given one is named once in the log (ignored()).
    @Option(names = "--apiserver-wait-timeout", paramLabel = "DURATION", converter = DurationArgument.class, hidden = true)
    Duration apiserverWaitTimeout;

    @Option(names = "--apiserver-wait-interval", paramLabel = "DURATION", converter = DurationArgument.class, hidden = true)
    Duration apiserverWaitInterval;

    @Option(names = "--kube-api-qps", paramLabel = "QPS", hidden = true)
    Double kubeApiQps;

    @Option(names = "--kube-api-burst", paramLabel = "BURST", hidden = true)
    Integer kubeApiBurst;

    // klog's flags (klog.InitFlags): nodemedic always logs to stderr, one line per transition.
    @Option(names = {"--logtostderr", "--alsologtostderr", "--add_dir_header", "--skip_headers", "--skip_log_headers", "--one_output"},
            arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", hidden = true)
    List<Boolean> klogSwitches = new ArrayList<>();

    @Option(names = {"-v", "--v"}, paramLabel = "LEVEL", hidden = true)
    Integer klogVerbosity;

    @Option(names = {"--vmodule", "--log_dir", "--log_file", "--log_file_max_size", "--log_backtrace_at", "--stderrthreshold"}, paramLabel = "VALUE",
            hidden = true)
    List<String> klogSettings = new ArrayList<>();

    /** Whether NPD's flags name the monitors to run: then only those run (and the agent config's listed instances), as in NPD. */
    boolean namesMonitors() {
        return !(systemLogMonitors.isEmpty() && customPluginMonitors.isEmpty() && systemStatsMonitors.isEmpty() && deprecatedSystemLogMonitors.isEmpty()
                && deprecatedCustomPluginMonitors.isEmpty());
    }

    /** False when {@code --enable-k8s-exporter=false}: NPD then talks to no API server, which is our {@code --local}. */
    boolean reportsToKubernetes() {
        return enableK8sExporter == null || enableK8sExporter;
    }

    /**
     * The agent config with NPD's flags applied over it.
     *
     * @throws IllegalArgumentException naming the flag at fault and what to give instead
     */
    AgentConfig applyTo(AgentConfig config) {
        refuseWhatIsNotCarriedOver();
        List<DaemonInstanceConfig> daemons = new ArrayList<>(config.daemons());
        Map<String, String> fileOfInstance = new HashMap<>();
        config.daemons().forEach(d -> fileOfInstance.put(d.instanceName(), "the agent config's daemons list"));
        addMonitors(daemons, fileOfInstance, "--config.system-log-monitor", SYSTEM_LOG_DAEMON,
                either("--system-log-monitors", deprecatedSystemLogMonitors, "--config.system-log-monitor", systemLogMonitors));
        addMonitors(daemons, fileOfInstance, "--config.custom-plugin-monitor", CUSTOM_PLUGIN_DAEMON,
                either("--custom-plugin-monitors", deprecatedCustomPluginMonitors, "--config.custom-plugin-monitor", customPluginMonitors));
        addMonitors(daemons, fileOfInstance, "--config.system-stats-monitor", SYSTEM_STATS_DAEMON, files(systemStatsMonitors));
        AgentConfig.StatusConfig status = config.status();
        AgentConfig.MetricsConfig metrics = config.metrics();
        AgentConfig.KubernetesConfig kubernetes = config.kubernetes();
        try {
            status = new AgentConfig.StatusConfig(address == null ? status.address() : address, port == null ? status.port() : serving("--port", port));
            metrics = new AgentConfig.MetricsConfig(prometheusAddress == null ? metrics.address() : prometheusAddress,
                    prometheusPort == null ? metrics.port() : serving("--prometheus-port", prometheusPort));
            kubernetes = new AgentConfig.KubernetesConfig(kubeconfig().map(Path::toAbsolutePath).orElse(kubernetes.kubeconfig()),
                    heartbeatPeriod == null ? kubernetes.heartbeat() : heartbeatPeriod);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("NPD's flags: " + e.getMessage(), e);
        }
        return new AgentConfig(hostnameOverride == null || hostnameOverride.isBlank() ? config.nodeName() : hostnameOverride, config.pluginsDir(),
                config.configDir(), status, metrics, kubernetes, daemons, config.supervision(), config.report(),
                namesMonitors() || config.onlyListedDaemons(), config.pluginDigests());
    }

    /** The flags given that change nothing in nodemedic, each with why: for one log line each at start. */
    List<String> ignored() {
        List<String> ignored = new ArrayList<>();
        if (apiserverWaitTimeout != null || apiserverWaitInterval != null) {
            ignored.add("--apiserver-wait-timeout and --apiserver-wait-interval: nodemedic does not wait for the API server before it starts,"
                    + " and never gives up on it (it retries with backoff and writes the latest truth once it answers)");
        }
        if (apiserverOverride != null && reportsToKubernetes() && URI.create(apiserverOverride.strip()).getHost() != null) {
            ignored.add("--apiserver-override's server (" + URI.create(apiserverOverride.strip()).getHost() + "): nodemedic talks to the server its"
                    + " kubeconfig (auth=) names");
        }
        if (kubeApiQps != null || kubeApiBurst != null) {
            ignored.add("--kube-api-qps and --kube-api-burst: nodemedic writes node status on change and on heartbeat, and events within"
                    + " client-go's per-node budget");
        }
        if (!klogSwitches.isEmpty() || klogVerbosity != null || !klogSettings.isEmpty()) {
            ignored.add("klog's flags (--logtostderr, -v, --log_dir, ...): nodemedic logs to stderr, one line per transition;"
                    + " --debug logs more, --log-format json logs JSON");
        }
        return List.copyOf(ignored);
    }

    private void refuseWhatIsNotCarriedOver() {
        if (stackdriver != null) {
            throw new IllegalArgumentException("NPD's flag --exporter.stackdriver is not carried over: nodemedic has no Stackdriver exporter;"
                    + " scrape /metrics (--prometheus-address, --prometheus-port) with your collector instead, and leave the flag out");
        }
        if (Boolean.FALSE.equals(writeEvents) || Boolean.FALSE.equals(updateNodeConditions)) {
            throw new IllegalArgumentException("NPD's flags --k8s-exporter-write-events=false and --k8s-exporter-update-node-conditions=false are not"
                    + " carried over: nodemedic writes both node conditions and events, or neither (--enable-k8s-exporter=false, or --local);"
                    + " leave them out");
        }
    }

    /** NPD's server ports turn their server off with 0; ours cannot be off (the status server answers the probes' /healthz). */
    private static int serving(String flag, int port) {
        if (port == 0) {
            throw new IllegalArgumentException(flag + "=0 turns NPD's server off; nodemedic's cannot be turned off (the status server answers"
                    + " /healthz, /metrics is where problem_counter is): give a port, or leave " + flag + " out for NPD's default");
        }
        return port;
    }

    /**
     * NPD's {@code --apiserver-override}, in heapster's source syntax: {@code URL?inClusterConfig=false&auth=KUBECONFIG}
     * is a kubeconfig, which is how nodemedic reaches an API server other than the in-cluster one.
     */
    private Optional<Path> kubeconfig() {
        if (apiserverOverride == null || apiserverOverride.isBlank() || !reportsToKubernetes()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(apiserverOverride);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--apiserver-override \"" + apiserverOverride + "\" is not a URI (" + e.getMessage() + ")");
        }
        Map<String, String> query = new HashMap<>();
        for (String pair : Optional.ofNullable(uri.getRawQuery()).orElse("").split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String auth = query.getOrDefault("auth", "");
        if (auth.isBlank() || !"false".equalsIgnoreCase(query.getOrDefault("inClusterConfig", "true"))) {
            throw new IllegalArgumentException("--apiserver-override \"" + apiserverOverride + "\": nodemedic reaches the API server through the"
                    + " in-cluster service account or a kubeconfig; give --kubeconfig FILE (its server is used), or write the override as"
                    + " URL?inClusterConfig=false&auth=KUBECONFIG");
        }
        return Optional.of(Path.of(auth));
    }

    private static List<Path> either(String deprecatedFlag, List<String> deprecated, String flag, List<String> current) {
        if (!files(deprecated).isEmpty() && !files(current).isEmpty()) {
            throw new IllegalArgumentException(deprecatedFlag + " and " + flag + " are both given; NPD refuses that too: give the files to " + flag
                    + " only");
        }
        return files(deprecated).isEmpty() ? files(current) : files(deprecated);
    }

    /** pflag's string slice: blanks (an empty flag value) name no file. */
    private static List<Path> files(List<String> values) {
        return values.stream().map(String::strip).filter(v -> !v.isEmpty()).map(v -> Path.of(v).toAbsolutePath().normalize()).toList();
    }

    /** One instance of {@code daemon} per file, named after the file as NPD names a monitor after its config ({@code kernel-monitor}). */
    private static void addMonitors(List<DaemonInstanceConfig> daemons, Map<String, String> fileOfInstance, String flag, String daemon, List<Path> files) {
        for (Path file : files) {
            String name = instanceName(file);
            String taken = fileOfInstance.putIfAbsent(name, file.toString());
            if (taken != null) {
                throw new IllegalArgumentException(flag + ": " + file + " would be daemon instance " + name + ", as is " + taken
                        + "; give one of the two files another name");
            }
            daemons.add(new DaemonInstanceConfig(daemon, name, file, true));
        }
    }

    /** {@code /config/kernel-monitor.json} → {@code kernel-monitor}; an instance name is lower-case letters, digits and '-'. */
    static String instanceName(Path file) {
        String base = file.getFileName().toString().replaceFirst("\\.(json|ya?ml)$", "").toLowerCase(Locale.ROOT);
        String name = base.replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "monitor" : name;
    }
}
