package dev.nodemedic.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig file that points the agent at fabric8's mock API server, as an operator's points it at a cluster. */
final class MockKubeconfig {
    private MockKubeconfig() {
    }

    /** Writes {@code dir/kubeconfig} for the server {@code client} talks to (its own test certificate, so TLS is not verified). */
    static Path write(KubernetesClient client, Path dir) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: agent
                  user:
                    token: test-token
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: agent
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl()));
    }
}
