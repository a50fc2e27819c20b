package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.reporter.ConditionBook;
import dev.nodemedic.reporter.Exporter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything the agent needs to report to a cluster, behind one door, so that no fabric8 type leaves
 * this package: the client on the agent's Vertx, the exporter, and the two threads its API calls run on
 * (node status and events proceed side by side; never on the event loop).
 */
public final class KubernetesReporting implements AutoCloseable {
    private final KubernetesClient client;
    private final KubernetesExporter exporter;
    private final ScheduledExecutorService executor;

    private KubernetesReporting(KubernetesClient client, KubernetesExporter exporter, ScheduledExecutorService executor) {
        this.client = client;
        this.exporter = exporter;
        this.executor = executor;
    }

    /**
     * Builds the client and the exporter; sends nothing until {@link #start}.
     *
     * @param kubeconfig a kubeconfig file, or empty for the in-cluster service account (then {@code KUBECONFIG}, then {@code ~/.kube/config})
     * @throws IllegalArgumentException naming the kubeconfig file if it cannot be read
     */
    public static KubernetesReporting connect(Vertx vertx, Optional<Path> kubeconfig, KubernetesSettings settings, Clock clock, MeterRegistry registry) {
        KubernetesClient client = KubernetesClients.onVertx(vertx, KubernetesClients.config(kubeconfig, KubernetesClients.DEFAULT_REQUEST_TIMEOUT));
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("kubernetes-api-", 1).daemon(true).factory());
        return new KubernetesReporting(client, new KubernetesExporter(client, settings, clock, executor, registry), executor);
    }

    public Exporter exporter() {
        return exporter;
    }

    /** Reads the node, adopts what is still true, then keeps it in step with the book. Call it once the daemons have declared their types. */
    public void start(ConditionBook book) {
        exporter.start(book);
    }

    @Override
    public void close() {
        exporter.close();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
