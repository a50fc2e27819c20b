package dev.nodemedic.remedy.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig for the mock API server, so the runtime is reached the way an operator starts it: {@code --kubeconfig FILE}. */
final class MockKubeconfig {
    private MockKubeconfig() {
    }

    static Path write(Path dir, KubernetesClient mock) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: remedy
                  user:
                    token: test-token
                contexts:
                - name: mock
                  context: {cluster: mock, user: remedy}
                current-context: mock
                """.formatted(mock.getMasterUrl()));
    }
}
