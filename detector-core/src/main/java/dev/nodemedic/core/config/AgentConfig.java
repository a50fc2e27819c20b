package dev.nodemedic.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
 */
public record AgentConfig(String nodeName, Path pluginsDir, Path configDir, StatusConfig status, MetricsConfig metrics, KubernetesConfig kubernetes,
        List<DaemonInstanceConfig> daemons, SupervisionConfig supervision) {

    public AgentConfig {
        pluginsDir = pluginsDir == null ? Path.of("plugins") : pluginsDir;
        configDir = configDir == null ? Path.of("config") : configDir;
        status = status == null ? new StatusConfig(null, null) : status;
        metrics = metrics == null ? new MetricsConfig(null, null) : metrics;
        kubernetes = kubernetes == null ? new KubernetesConfig(null, null) : kubernetes;
        daemons = daemons == null ? List.of() : List.copyOf(daemons);
        supervision = supervision == null ? new SupervisionConfig(null, null, null, null, null) : supervision;
        Set<String> names = new HashSet<>();
        for (DaemonInstanceConfig instance : daemons) {
            if (!names.add(instance.instanceName())) {
                throw new IllegalArgumentException("daemons: instance name " + instance.instanceName()
                        + " appears twice; give each instance of a daemon its own name");
            }
        }
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
}
