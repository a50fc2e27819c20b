package dev.nodemedic.core;

import dev.nodemedic.reporter.kubernetes.KubernetesReporting;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.Optional;

/** How the agent reaches a cluster, given its one Vertx and its metrics: not at all in local mode. */
@FunctionalInterface
public interface ClusterConnector {

    Optional<KubernetesReporting> connect(Vertx vertx, MeterRegistry registry);

    /** Local mode: the log, the status page and metrics only. */
    static ClusterConnector none() {
        return (vertx, registry) -> Optional.empty();
    }
}
