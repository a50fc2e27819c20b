package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.remedy.action.Eventually;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole process against the mock API server, reached through a kubeconfig file as an operator would give it. */
@EnableKubernetesMockClient(crud = true)
class RemedyRuntimeTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    KubernetesClient client;
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private Path kubeconfig() throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
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
                """.formatted(client.getMasterUrl()));
        return file;
    }

    private RunOptions options(Path kubeconfig, String identity) {
        return new RunOptions(Optional.of(kubeconfig), false, true, OptionalInt.empty(),
                // Long enough that a loaded machine's pauses never cost the leader its Lease; a graceful stop hands over at once.
                new LeaseSettings("kube-system", "nodemedic-remedy", identity, Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(250), true),
                "127.0.0.1", 0);
    }

    private int status(RemedyRuntime runtime, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.port() + path)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Optional<Lease> lease() {
        return Optional.ofNullable(client.leases().inNamespace("kube-system").withName("nodemedic-remedy").get());
    }

    @Test
    void theLeaderActsAndServesProbesAndAGracefulStopHandsTheLeaseOver() throws Exception {
        Path kubeconfig = kubeconfig();
        RemedyRuntime first = RemedyRuntime.start(options(kubeconfig, "remedy-a"), Clock.systemUTC());
        RemedyRuntime second;
        try {
            Eventually.until("remedy-a leads and acts", BOUND, first::acting);
            Eventually.until("remedy-a is ready", BOUND, () -> status(first, "/readyz") == 200);
            assertThat(status(first, "/healthz")).isEqualTo(200);
            assertThat(lease()).get().satisfies(l -> assertThat(l.getSpec().getHolderIdentity()).isEqualTo("remedy-a"));

            second = RemedyRuntime.start(options(kubeconfig, "remedy-b"), Clock.systemUTC());
            Eventually.until("remedy-b follows and is ready", BOUND, () -> status(second, "/readyz") == 200);
            assertThat(second.acting()).isFalse();
            assertThat(status(second, "/healthz")).isEqualTo(200);
        } finally {
            first.close();
        }
        try {
            assertThat(first.acting()).isFalse();
            Eventually.until("remedy-b takes over", BOUND, second::acting);
            assertThat(lease()).get().satisfies(l -> assertThat(l.getSpec().getHolderIdentity()).isEqualTo("remedy-b"));
        } finally {
            second.close();
        }
    }

    @Test
    void aMissingKubeconfigIsNamed() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> RemedyRuntime.start(options(missing, "r"), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kubeconfig " + missing + " does not exist");
    }
}
