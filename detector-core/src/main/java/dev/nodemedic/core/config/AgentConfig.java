package dev.nodemedic.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agent's one config file. Every field has a default, so local mode needs no file at all.
 *
 * @param nodeName   the Node this agent reports on; else {@code NODE_NAME}, else the host name
 * @param pluginsDir the folder of daemon plugin jars, watched while the agent runs
 * @param configDir  where a daemon instance's config file is looked for when {@code daemons} names none
 * @param status     the status server (health, conditions, status page)
 * @param metrics    the Prometheus endpoint
 * @param kubernetes how to reach the API server when not in local mode
 * @param daemons    instances to run with their config files; a daemon not listed runs once, as itself
 * @param supervision how hard to try with a failing daemon
 * @param report     the reporting endpoint for daemons in their own containers (a unix socket)
 * @param onlyListedDaemons true: a daemon with no instance in {@code daemons} does not run (NPD runs only the monitors its
 *                   flags name, and so does the agent given NPD's flags); false (default): it runs once, as itself
 * @param pluginDigests when not empty, the only plugin jars that may load, as {@code sha256:<64 hex digits>}
 *                   (what {@code sha256sum} prints, and what the refusal of a jar not listed names)
 */
public record AgentConfig(String nodeName, Path pluginsDir, Path configDir, StatusConfig status, MetricsConfig metrics, KubernetesConfig kubernetes,
        List<DaemonInstanceConfig> daemons, SupervisionConfig supervision, ReportConfig report, Boolean onlyListedDaemons,
        List<String> pluginDigests) {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public AgentConfig {
        pluginsDir = pluginsDir == null ? Path.of("plugins") : pluginsDir;
        configDir = configDir == null ? Path.of("config") : configDir;
        status = status == null ? new StatusConfig(null, null) : status;
        metrics = metrics == null ? new MetricsConfig(null, null) : metrics;
        kubernetes = kubernetes == null ? new KubernetesConfig(null, null) : kubernetes;
        daemons = daemons == null ? List.of() : List.copyOf(daemons);
        supervision = supervision == null ? new SupervisionConfig(null, null, null, null, null) : supervision;
        report = report == null ? new ReportConfig(null, null, null, null, null, null) : report;
        onlyListedDaemons = onlyListedDaemons != null && onlyListedDaemons;
        pluginDigests = pluginDigests == null ? List.of() : List.copyOf(pluginDigests);
        for (int i = 0; i < pluginDigests.size(); i++) {
            String digest = pluginDigests.get(i);
            if (digest == null || !DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("pluginDigests[" + i + "]: \"" + digest + "\" is not a digest; write sha256: and the 64 lower-case"
                        + " hex digits sha256sum prints for the jar (the refusal of a jar not listed names its digest)");
            }
        }
        Set<String> names = new HashSet<>();
        for (DaemonInstanceConfig instance : daemons) {
            if (!names.add(instance.instanceName())) {
                throw new IllegalArgumentException("daemons: instance name " + instance.instanceName()
                        + " appears twice; give each instance of a daemon its own name");
            }
        }
    }

    /** A config without a digest list, running every daemon: every jar that passes the ownership and permission checks may load. */
    public AgentConfig(String nodeName, Path pluginsDir, Path configDir, StatusConfig status, MetricsConfig metrics, KubernetesConfig kubernetes,
            List<DaemonInstanceConfig> daemons, SupervisionConfig supervision, ReportConfig report) {
        this(nodeName, pluginsDir, configDir, status, metrics, kubernetes, daemons, supervision, report, false, null);
    }

    /**
     * Every field at its default, as with no config file: what binding {@code {}} gives
     * (AgentConfigDefaultsTest holds the two equal), without building Jackson's deserializer for this
     * record at a start that has no file to read (NPD's flags, the built-in default): ≈ 20-40 ms of CPU.
     */
    public static AgentConfig defaults() {
        return new AgentConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    public AgentConfig withReport(ReportConfig other) {
        return new AgentConfig(nodeName, pluginsDir, configDir, status, metrics, kubernetes, daemons, supervision, other, onlyListedDaemons, pluginDigests);
    }

    public Optional<String> configuredNodeName() {
        return Optional.ofNullable(nodeName).filter(n -> !n.isBlank());
    }

    /**
     * @param address where to listen; loopback by default, as NPD, since the page is for the node's own operators
     * @param port    NPD's status port
     */
    public record StatusConfig(String address, Integer port) {
        public StatusConfig {
            address = address == null ? "127.0.0.1" : address;
            port = port == null ? 20256 : port;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not a TCP port (0 to 65535; 0 picks a free one)");
            }
        }
    }

    /**
     * @param address where {@code /metrics} listens; loopback by default, 0.0.0.0 for a cluster's Prometheus to scrape
     * @param port    NPD's metrics port, so existing scrape configs keep working
     */
    public record MetricsConfig(String address, Integer port) {
        public MetricsConfig {
            address = address == null ? "127.0.0.1" : address;
            port = port == null ? 20257 : port;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not a TCP port (0 to 65535; 0 picks a free one)");
            }
        }
    }

    /**
     * @param kubeconfig a kubeconfig file; default: the in-cluster service account, then {@code KUBECONFIG}, then {@code ~/.kube/config}
     * @param heartbeat  how often an unchanged node status is written again, so readers can tell the agent is alive
     */
    public record KubernetesConfig(Path kubeconfig, Duration heartbeat) {
        public KubernetesConfig {
            heartbeat = heartbeat == null ? Duration.ofMinutes(5) : heartbeat;
            if (heartbeat.compareTo(Duration.ofSeconds(10)) < 0) {
                throw new IllegalArgumentException("heartbeat must be at least 10s (each one is a write to the API server), was " + heartbeat);
            }
        }

        public Optional<Path> kubeconfigFile() {
            return Optional.ofNullable(kubeconfig);
        }
    }

    /**
     * @param initialBackoff  wait before the first restart of a failed daemon
     * @param maxBackoff      the cap of the doubling wait
     * @param stableAfter     a daemon running this long is healthy again: its backoff starts over
     * @param stopTimeout     how long a daemon's stop() may take before it is abandoned as hung
     * @param startTimeout    how long a daemon's start() may take before it counts as failed
     */
    public record SupervisionConfig(Duration initialBackoff, Duration maxBackoff, Duration stableAfter, Duration stopTimeout,
            Duration startTimeout) {
        public SupervisionConfig {
            initialBackoff = positive("initialBackoff", initialBackoff, Duration.ofSeconds(1));
            maxBackoff = positive("maxBackoff", maxBackoff, Duration.ofMinutes(5));
            stableAfter = positive("stableAfter", stableAfter, Duration.ofMinutes(10));
            stopTimeout = positive("stopTimeout", stopTimeout, Duration.ofSeconds(5));
            startTimeout = positive("startTimeout", startTimeout, Duration.ofSeconds(10));
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
            }
        }

        private static Duration positive(String field, Duration value, Duration fallback) {
            if (value == null) {
                return fallback;
            }
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(field + " must be positive, was " + value);
            }
            return value;
        }
    }

    /**
     * The endpoint where daemons running in their own containers report (see detector-core's
     * docs/report-api.md). Only a unix socket: whoever may write the socket file may report, so its
     * permissions are the access control, and no TCP port is ever opened for it.
     *
     * @param enabled           false to serve no socket at all
     * @param socket            the socket file; default {@code /run/nodemedic/report.sock}, and with
     *                          {@code --local} one under {@code $XDG_RUNTIME_DIR} (else the temp folder)
     * @param permissions       the socket file's permissions, as {@code ls -l} shows them; connecting needs write
     * @param maxDaemons        how many remote daemons may be registered at once
     * @param requestsPerSecond each remote daemon's sustained request rate; more is refused with 429
     * @param burst             how many requests a remote daemon may make at once above that rate
     */
    public record ReportConfig(Boolean enabled, Path socket, String permissions, Integer maxDaemons, Integer requestsPerSecond, Integer burst) {
        /** Where a sidecar finds the socket in a cluster: a volume both containers mount. */
        public static final Path CLUSTER_SOCKET = Path.of("/run/nodemedic/report.sock");

        public ReportConfig {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            permissions = permissions == null ? "rw-rw----" : permissions;
            if (!permissions.matches("[r-][w-][x-][r-][w-][x-][r-][w-][x-]")) {
                throw new IllegalArgumentException("permissions \"" + permissions + "\" must be nine characters as ls -l shows them, such as rw-rw----");
            }
            if (permissions.charAt(1) != 'w') {
                throw new IllegalArgumentException("permissions \"" + permissions + "\" leave the owner unable to write the socket; start with rw-");
            }
            maxDaemons = atLeastOne("maxDaemons", maxDaemons, 32);
            requestsPerSecond = atLeastOne("requestsPerSecond", requestsPerSecond, 50);
            burst = atLeastOne("burst", burst, 100);
        }

        /** The configured socket; when absent the agent picks one for its mode. */
        public Optional<Path> socketFile() {
            return Optional.ofNullable(socket);
        }

        public ReportConfig withSocket(Path file) {
            return new ReportConfig(enabled, file, permissions, maxDaemons, requestsPerSecond, burst);
        }

        private static int atLeastOne(String field, Integer value, int fallback) {
            if (value == null) {
                return fallback;
            }
            if (value < 1) {
                throw new IllegalArgumentException(field + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
