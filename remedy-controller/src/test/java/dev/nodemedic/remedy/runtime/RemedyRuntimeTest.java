package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.Eventually;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.Gauge;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole process against the mock API server, reached through a kubeconfig file as an operator would give it. */
@EnableKubernetesMockClient(crud = true)
class RemedyRuntimeTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    KubernetesClient client;
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

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
        Path kubeconfig = MockKubeconfig.write(dir, client);
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

    private static Node sickNode(String name, Instant heartbeat) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec().withNewStatus().addNewCondition()
                .withType("KernelDeadlock").withStatus("True").withReason("DockerHung")
                .withLastTransitionTime(T0.toString()).withLastHeartbeatTime(heartbeat.toString()).endCondition().endStatus().build();
    }

    private static double unhealthyNodes(RemedyRuntime runtime) {
        Gauge gauge = runtime.registry().find("nodemedic_remedy_unhealthy_nodes").tags("policy", "deadlock").gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private boolean statusSays(int unhealthyNodes) {
        NodeRemedyPolicy policy = client.resources(NodeRemedyPolicy.class).withName("deadlock").get();
        return policy.getStatus() != null && Integer.valueOf(unhealthyNodes).equals(policy.getStatus().unhealthyNodes());
    }

    /**
     * The cluster does not change between the terms, the clock does: node-a's heartbeat goes stale, so the
     * second term counts two unhealthy nodes where the first counted three. (Writing to the mock API server
     * while the first term's watches close can stall it, so nothing is written then.)
     */
    @Test
    void afterLeadershipIsLostAndRegainedTheGaugesFollowTheNewTerm() throws Exception {
        ManualClock clock = new ManualClock(T0.plus(Duration.ofMinutes(14)));
        client.nodes().resource(sickNode("node-a", T0)).create();
        client.nodes().resource(sickNode("node-b", T0.plus(Duration.ofMinutes(10)))).create();
        client.nodes().resource(sickNode("node-c", T0.plus(Duration.ofMinutes(10)))).create();
        client.resources(NodeRemedyPolicy.class).load(new ByteArrayInputStream("""
                apiVersion: remedy.nodemedic.dev/v1alpha1
                kind: NodeRemedyPolicy
                metadata: {name: deadlock}
                spec:
                  nodeSelector: {}
                  rules: [{type: KernelDeadlock, minDuration: 1h, maxHeartbeatAge: 15m}]
                  actions: [{cordon: {}, timeout: 10m}]
                """.getBytes(StandardCharsets.UTF_8))).create();
        RemedyRuntime runtime = RemedyRuntime.start(options(MockKubeconfig.write(dir, client), "remedy-a"), clock);
        try {
            Eventually.until("the first term counts three nodes", BOUND, () -> unhealthyNodes(runtime) == 3.0 && statusSays(3));

            // What the Lease's elector calls when a renewal fails, and again when the Lease is won back.
            runtime.stopLeading();
            Eventually.until("the term ended and its gauge reads zero (gauge: " + unhealthyNodes(runtime) + ")", BOUND,
                    () -> !runtime.acting() && unhealthyNodes(runtime) == 0.0);
            clock.advance(Duration.ofMinutes(6));
            runtime.startLeading();

            Eventually.until("the second term's count (gauge: " + unhealthyNodes(runtime) + ")", BOUND,
                    () -> unhealthyNodes(runtime) == 2.0 && statusSays(2));
        } finally {
            runtime.close();
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
