package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class KubernetesClientsTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void aKubeconfigGivesAClientOnTheAgentsVertx() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build()).create();
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: agent
                  user:
                    token: not-a-real-token
                contexts:
                - name: test
                  context:
                    cluster: test
                    user: agent
                current-context: test
                """.formatted(server.url("/")));
        Vertx vertx = Vertx.vertx();
        try (KubernetesClient ours = KubernetesClients.onVertx(vertx, KubernetesClients.config(Optional.of(kubeconfig), Duration.ofSeconds(2)))) {
            assertThat(ours.getConfiguration().getRequestRetryBackoffLimit()).isZero();
            assertThat(ours.getConfiguration().getRequestTimeout()).isEqualTo(2000);
            assertThat(ours.nodes().withName("node-a").get().getMetadata().getName()).isEqualTo("node-a");
            assertThat(server.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer not-a-real-token");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void aMissingKubeconfigIsNamed() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> KubernetesClients.config(Optional.of(missing), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kubeconfig " + missing + " does not exist or is not readable; give --kubeconfig a readable file or leave it out to use the in-cluster service account");
    }
}
