package dev.nodemedic.apiserver.events;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;

/**
 * How long a writer waits after a run of failed Event writes before it tries again. Each process
 * answers with its own backoff (the agent's grows to a cap that depends on the kind of failure), so
 * a fleet does not hit a returning API server in step.
 */
@FunctionalInterface
public interface RetryDelay {
    /**
     * @param failures failed writes in a row, 1 after the first
     * @param cause    the last one's error
     */
    Duration after(int failures, KubernetesClientException cause);
}
