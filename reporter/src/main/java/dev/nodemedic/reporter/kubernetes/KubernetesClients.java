package dev.nodemedic.reporter.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the fabric8 client the exporter uses, with its HTTP on the agent's one {@link Vertx}: no
 * second event loop, no second HTTP stack. Closing the client leaves the Vertx running.
 */
public final class KubernetesClients {
    /** Long enough for a loaded API server, short enough that a dead one is noticed and retried promptly. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private KubernetesClients() {
    }

    /**
     * The client config: from {@code kubeconfig} when given, else fabric8's auto-configuration (the
     * in-cluster service account, then {@code KUBECONFIG}, then {@code ~/.kube/config}).
     *
     * @throws IllegalArgumentException naming the file, if {@code kubeconfig} does not exist
     */
    public static Config config(Optional<Path> kubeconfig, Duration requestTimeout) {
        Config config = kubeconfig.map(path -> {
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException("kubeconfig " + path + " does not exist or is not readable; give --kubeconfig a readable file or leave it out to use the in-cluster service account");
            }
            return Config.fromKubeconfig(path.toFile());
        }).orElseGet(() -> Config.autoConfigure(null));
        return tuned(config, requestTimeout);
    }

    /**
     * Applies what the exporter relies on: a bounded request time, and no retries inside the client,
     * because the exporter backs off itself and must stay free to send the newest truth instead of an
     * old request.
     */
    public static Config tuned(Config config, Duration requestTimeout) {
        config.setRequestTimeout(Math.toIntExact(requestTimeout.toMillis()));
        config.setConnectionTimeout(Math.toIntExact(requestTimeout.toMillis()));
        config.setRequestRetryBackoffLimit(0);
        return config;
    }

    /** A client whose HTTP runs on {@code vertx}. */
    public static KubernetesClient onVertx(Vertx vertx, Config config) {
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
    }
}
