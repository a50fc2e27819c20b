package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.action.ApiCalls;
import dev.nodemedic.remedy.action.Eventually;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole controller with {@code --dry-run} against a policy that says {@code dryRun: false} and a node
 * that has been unhealthy for an hour: it works out what it would do, says so in the policy's status,
 * and sends not one write for a node, a pod or an Event.
 */
@EnableKubernetesMockClient(crud = true)
class GlobalDryRunTest {
    KubernetesClient client;
    KubernetesMockServer server;
    @TempDir
    Path dir;

    private static final String POLICY = """
            apiVersion: remedy.nodemedic.dev/v1alpha1
            kind: NodeRemedyPolicy
            metadata:
              name: deadlock
            spec:
              nodeSelector: {}
              rules:
                - type: KernelDeadlock
                  status: "True"
                  minDuration: 1m
              actions:
                - cordon: {}
                  timeout: 10m
                - drain: {}
                  timeout: 30m
              dryRun: false
            """;

    @Test
    void theGlobalFlagOverridesAPolicyAndNothingIsWritten() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Node node = client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().withNewSpec().endSpec()
                .withNewStatus().addNewCondition().withType("KernelDeadlock").withStatus("True").withReason("DockerHung").withMessage("task docker blocked")
                .withLastTransitionTime(now.minus(Duration.ofHours(1)).toString()).withLastHeartbeatTime(now.toString()).endCondition().endStatus()
                .build()).create();
        client.resources(NodeRemedyPolicy.class).load(new ByteArrayInputStream(POLICY.getBytes(StandardCharsets.UTF_8))).create();
        Path kubeconfig = MockKubeconfig.write(dir, client);
        ApiCalls.take(server);

        RemedyRuntime runtime = RemedyRuntime.start(new RunOptions(Optional.of(kubeconfig), false, true, OptionalInt.empty(),
                new LeaseSettings("kube-system", "nodemedic-remedy", "remedy-a", Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), true),
                "127.0.0.1", 0), Clock.systemUTC());
        try {
            Eventually.until("the policy's status shows the cordon it would do", Duration.ofSeconds(30), () -> recentActions().stream()
                    .anyMatch(a -> a.node().equals("node-a") && a.action().equals("cordon")));
        } finally {
            runtime.close();
        }

        assertThat(recentActions()).filteredOn(a -> a.action().equals("cordon")).allSatisfy(a -> assertThat(a.result()).isEqualTo("would_apply"));
        List<String> writes = ApiCalls.writes(server).stream()
                .filter(w -> !w.contains("/leases") && !w.contains("/noderemedypolicies/"))
                .toList();
        assertThat(writes).isEmpty();
        Node after = client.nodes().withName("node-a").get();
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(node.getMetadata().getResourceVersion());
        assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
    }

    private List<NodeRemedyPolicyStatus.ActionEntry> recentActions() {
        NodeRemedyPolicy policy = client.resources(NodeRemedyPolicy.class).withName("deadlock").get();
        return policy.getStatus() == null || policy.getStatus().recentActions() == null ? List.of() : policy.getStatus().recentActions();
    }
}
