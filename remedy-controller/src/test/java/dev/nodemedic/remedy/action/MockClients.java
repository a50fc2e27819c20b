package dev.nodemedic.remedy.action;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Clients on the mock server configured as the runtime configures its own. */
public final class MockClients {
    private MockClients() {
    }

    /**
     * A client to the same mock server that does not retry a 429 or 5xx itself, as the runtime's client:
     * the drainer backs off on its own clock, and a retry inside the client would hide the 429.
     */
    public static KubernetesClient withoutRetries(KubernetesClient client) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
    }
}
