package dev.nodemedic.remedy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generated CRD's CEL rules run as the API server runs them ({@link CelRules}): what it accepts and
 * what it refuses. The example policies are run through them in {@link ExamplePolicyTest}.
 */
class NodeRemedyPolicyRulesTest {
    private static final String ONE_ACTION = "a step has exactly one of taint, cordon, drain, requestReboot";
    private final JSONSchemaProps schema = GeneratedCrd.read().getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema();
    private final CelRules rules = CelRules.of(schema);

    private static JsonNode policyWithSteps(String actions) {
        String yaml = """
                apiVersion: remedy.nodemedic.dev/v1alpha1
                kind: NodeRemedyPolicy
                metadata: {name: steps}
                spec:
                  nodeSelector: {}
                  rules: [{type: KernelDeadlock, minDuration: 5m}]
                  actions:
                """ + actions.indent(4);
        return JsonMapper.builder().build().readTree(new KubernetesSerialization().convertToJson(yaml));
    }

    @Test
    void theApiServerCanTypeEveryValueTheRulesReach() {
        // The CRD as shipped had cordon and requestReboot as bare objects: the server accepted the CRD and
        // then refused every policy that used either.
        assertThat(rules.crdProblems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "- taint: {key: remedy.nodemedic.dev/unhealthy}\n  timeout: 5m",
            "- cordon: {}\n  timeout: 10m",
            "- drain: {gracePeriodSeconds: 60}\n  timeout: 30m",
            "- drain: {}\n  timeout: 30m",
            "- requestReboot: {}\n  timeout: 1h",
            "- cordon: {}\n  timeout: 10m\n- requestReboot: {}\n  timeout: 1h\n  onTimeout: Stop"})
    void aStepWithOneActionIsAccepted(String actions) {
        JsonNode policy = policyWithSteps(actions);

        assertThat(rules.violations(policy)).isEmpty();
        assertThat(SchemaCheck.problems(policy, schema)).isEmpty();
    }

    static Stream<Arguments> badSteps() {
        return Stream.of(
                Arguments.of("taint and cordon", "- taint: {key: k}\n  cordon: {}\n  timeout: 5m"),
                Arguments.of("cordon and requestReboot", "- cordon: {}\n  requestReboot: {}\n  timeout: 5m"),
                Arguments.of("drain and requestReboot", "- drain: {gracePeriodSeconds: 1}\n  requestReboot: {}\n  timeout: 5m"),
                Arguments.of("all four", "- taint: {key: k}\n  cordon: {}\n  drain: {}\n  requestReboot: {}\n  timeout: 5m"),
                Arguments.of("none", "- timeout: 5m"),
                Arguments.of("none, with onTimeout", "- timeout: 5m\n  onTimeout: Stop"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSteps")
    void aStepWithoutExactlyOneActionIsRefusedNamingTheStep(String name, String actions) {
        JsonNode policy = policyWithSteps("- cordon: {}\n  timeout: 10m\n" + actions);

        assertThat(rules.violations(policy)).containsExactly("spec.actions[1]: Invalid value: \"object\": " + ONE_ACTION);
    }

    @Test
    void aSettingUnderCordonOrRequestRebootIsRefusedNotDropped() {
        JsonNode policy = policyWithSteps("- cordon: {gracePeriodSeconds: 30}\n  timeout: 10m\n- requestReboot: {after: 1h}\n  timeout: 1h");

        // The API server keeps the field (x-kubernetes-preserve-unknown-fields) and refuses it (maxProperties: 0).
        assertThat(SchemaCheck.problems(policy, schema)).containsExactly(
                ".spec.actions[0].cordon: 1 fields, at most 0 allowed",
                ".spec.actions[1].requestReboot: 1 fields, at most 0 allowed");
        assertThat(rules.violations(policy)).isEmpty();
    }
}
