package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.Eventually;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness follows the leader's informers: when the API server goes away they stop watching, and once
 * that has lasted a minute on the controller's clock, {@code /healthz} says 503 so kubelet restarts the pod.
 */
@EnableKubernetesMockClient(crud = true)
class LivenessTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    KubernetesClient client;
    KubernetesMockServer server;
    @TempDir
    Path dir;

    @Test
    void informersThatStopWatchingForAMinuteMakeHealthFail() throws Exception {
        Path kubeconfig = MockKubeconfig.write(dir, client);
        ManualClock clock = new ManualClock();
        RemedyRuntime runtime = RemedyRuntime.start(new RunOptions(Optional.of(kubeconfig), false, true, OptionalInt.empty(),
                new LeaseSettings("kube-system", "nodemedic-remedy", "remedy-a", Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofMillis(250), true),
                "127.0.0.1", 0), clock);
        try {
            Eventually.until("leading and watching", BOUND, () -> runtime.acting() && runtime.health().message().contains("watching"));
            assertThat(runtime.health().ok()).isTrue();

            server.shutdown();
            Eventually.until("the informers notice the API server is gone", BOUND, () -> runtime.health().message().contains("re-listing"));
            assertThat(runtime.health().ok()).isTrue();

            clock.advance(Duration.ofSeconds(59));
            assertThat(runtime.health().ok()).isTrue();
            clock.advance(Duration.ofSeconds(2));
            Probes.Verdict verdict = runtime.health();
            assertThat(verdict.ok()).isFalse();
            assertThat(verdict.message()).isEqualTo("informers have not been watching for 61s: the API server is unreachable from this replica");
        } finally {
            runtime.close();
        }
    }
}
