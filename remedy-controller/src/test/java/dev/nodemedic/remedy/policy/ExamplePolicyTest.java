package dev.nodemedic.remedy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.PolicyCompiler;
import dev.nodemedic.remedy.engine.RemedyAction;
import dev.nodemedic.remedy.policy.ExamplePolicies.ExamplePolicy;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shipped example policies (the controller's, the kustomize and Helm examples, any in the docs): valid
 * against the generated schema, held by its CEL rules as the API server runs them, readable by the types,
 * accepted by the compiler.
 */
@EnableKubernetesMockClient(crud = true)
class ExamplePolicyTest {
    private static final Path EXAMPLES = Path.of("examples");
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final JSONSchemaProps schema = GeneratedCrd.read().getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema();
    KubernetesClient client;

    static Stream<ExamplePolicy> examples() {
        return ExamplePolicies.all().stream();
    }

    private JsonNode tree(String yaml) {
        return JsonMapper.builder().build().readTree(serialization.convertToJson(yaml));
    }

    @Test
    void everyPlaceThatShowsAPolicyHasOne() {
        assertThat(ExamplePolicies.controllerExamples()).as("remedy-controller/examples").isNotEmpty();
        assertThat(ExamplePolicies.kustomizeExample()).as("deploy/kustomize/examples/remedy-policy").isNotEmpty();
        assertThat(ExamplePolicies.helmExamples()).as("deploy/helm/examples").isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleMatchesTheGeneratedSchemaHoldsItsRulesAndCompiles(ExamplePolicy example) {
        assertThat(SchemaCheck.problems(example.object(), schema)).as("schema").isEmpty();
        assertThat(CelRules.of(schema).violations(example.object())).as("CEL rules").isEmpty();
        NodeRemedyPolicy policy = serialization.unmarshal(example.object().toString(), NodeRemedyPolicy.class);
        assertThat(new PolicyCompiler().compile(policy).name()).isEqualTo(policy.getMetadata().getName());
    }

    @Test
    void theKernelDeadlockExampleIsADryRunOfTheWholeLadder() throws IOException {
        NodeRemedyPolicy resource = serialization.unmarshal(Files.readString(EXAMPLES.resolve("kernel-deadlock-dry-run.yaml")), NodeRemedyPolicy.class);

        Policy policy = new PolicyCompiler().compile(resource);

        assertThat(policy.dryRun()).isTrue();
        assertThat(policy.ladder()).extracting(step -> step.action().name()).containsExactly("taint", "cordon", "drain", "requestReboot");
        assertThat(policy.ladder().get(2).action()).isEqualTo(new RemedyAction.Drain(java.util.OptionalLong.of(60)));
        assertThat(policy.rules()).hasSize(2);
        assertThat(policy.budget().maxInFlight().of(100)).isEqualTo(1);
        assertThat(policy.budget().maxUnhealthy().of(100)).isEqualTo(20);
        assertThat(policy.healthyFor()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.selection().selects(java.util.Map.of("node-role.kubernetes.io/control-plane", ""))).isFalse();
        assertThat(policy.selection().selects(java.util.Map.of())).isTrue();
    }

    @Test
    void theSchemaCheckCatchesWhatTheApiServerWouldDropOrRefuse() {
        String typo = """
                apiVersion: remedy.nodemedic.dev/v1alpha1
                kind: NodeRemedyPolicy
                metadata: {name: typo}
                spec:
                  nodeSelector: {}
                  rules:
                    - type: KernelDeadlock
                      minDurration: 5m
                  actions:
                    - cordon: {}
                      timeout: 10 minutes
                """;

        assertThat(SchemaCheck.problems(tree(typo), schema)).containsExactlyInAnyOrder(
                ".spec.rules[0].minDurration: unknown field (the API server would drop it)",
                ".spec.rules[0].minDuration: required",
                ".spec.actions[0].timeout: \"10 minutes\" does not match " + PolicyDefaults.DURATION_PATTERN);
    }

    @Test
    void aPolicyRoundTripsThroughTheApiServerWithItsStatus() throws IOException {
        NodeRemedyPolicy example = serialization.unmarshal(Files.readString(EXAMPLES.resolve("kernel-deadlock-dry-run.yaml")), NodeRemedyPolicy.class);

        client.resources(NodeRemedyPolicy.class).resource(example).create();
        NodeRemedyPolicy read = client.resources(NodeRemedyPolicy.class).withName("kernel-deadlock").get();

        assertThat(read.getSpec()).isEqualTo(example.getSpec());
        assertThat(read.getApiVersion()).isEqualTo("remedy.nodemedic.dev/v1alpha1");
    }
}
