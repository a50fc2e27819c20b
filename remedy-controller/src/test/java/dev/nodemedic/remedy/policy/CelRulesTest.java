package dev.nodemedic.remedy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link CelRules} says what the API server says: typing from the structural schema, lazy conversion,
 * defaults before the rules, and the server's messages. Each schema here is a small CRD's
 * {@code openAPIV3Schema}.
 */
class CelRulesTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static CelRules rules(String openApiV3Schema) {
        return CelRules.of(SERIALIZATION.unmarshal(openApiV3Schema, JSONSchemaProps.class));
    }

    private static JsonNode object(String yaml) {
        return JsonMapper.builder().build().readTree(SERIALIZATION.convertToJson("apiVersion: example.dev/v1\nkind: Thing\nmetadata: {name: a}\n" + yaml));
    }

    @Test
    void aBareObjectUnderARuleFailsTheRuleOnlyWhereAnObjectSetsIt() {
        CelRules bare = rules("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: has(self.a) != has(self.b)
                        message: one of a, b
                    properties:
                      a: {type: object}
                      b: {type: string}
                """);

        assertThat(bare.crdProblems()).singleElement().asString().startsWith("openAPIV3Schema.properties[spec].properties[a]: an object with neither");
        // The API server's words for the shipped CRD's cordon: {} (issue 18).
        assertThat(bare.violations(object("spec: {a: {}}"))).containsExactly("spec: Invalid value: \"object\": invalid object type,"
                + " expected either Properties or AdditionalProperties with Allows=true and non-empty Schema evaluating rule: one of a, b");
        assertThat(bare.violations(object("spec: {b: x}"))).isEmpty();
        assertThat(bare.violations(object("spec: {}"))).containsExactly("spec: Invalid value: \"object\": one of a, b");
    }

    @Test
    void anObjectThatPreservesUnknownFieldsIsAnEmptyObjectToARule() {
        CelRules preserved = rules("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: has(self.a)
                    properties:
                      a: {type: object, x-kubernetes-preserve-unknown-fields: true}
                """);

        assertThat(preserved.crdProblems()).isEmpty();
        assertThat(preserved.violations(object("spec: {a: {hidden: 1}}"))).isEmpty();
        assertThat(preserved.violations(object("spec: {}"))).containsExactly("spec: Invalid value: \"object\": failed rule: has(self.a)");
    }

    @Test
    void additionalPropertiesAreAMapAndIntOrStringIsDyn() {
        CelRules typed = rules("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: self.labels.all(k, self.labels[k].size() <= 3)
                        message: short values
                      - rule: "type(self.budget) == string ? self.budget.endsWith('%') : self.budget <= 10"
                        message: a percentage or at most 10
                    properties:
                      labels:
                        type: object
                        additionalProperties: {type: string}
                      budget:
                        x-kubernetes-int-or-string: true
                """);

        assertThat(typed.crdProblems()).isEmpty();
        assertThat(typed.violations(object("spec: {labels: {zone: abc}, budget: 20%}"))).isEmpty();
        assertThat(typed.violations(object("spec: {labels: {zone: abcd}, budget: 11}"))).containsExactly(
                "spec: Invalid value: \"object\": short values", "spec: Invalid value: \"object\": a percentage or at most 10");
    }

    @Test
    void aRuleNamingAFieldTheSchemaLacksDoesNotCompile() {
        CelRules typo = rules("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: has(self.colour)
                    properties:
                      color: {type: string}
                """);

        assertThat(typo.crdProblems()).singleElement().asString()
                .startsWith("openAPIV3Schema.properties[spec].x-kubernetes-validations rule has(self.colour): compilation failed")
                .contains("undefined field 'colour'");
    }

    @Test
    void rulesSeeDefaultsAndItemsAndTheResourcesOwnFields() {
        CelRules rules = rules("""
                type: object
                x-kubernetes-validations:
                  - rule: self.metadata.name.startsWith('a') && self.kind == 'Thing'
                properties:
                  spec:
                    type: object
                    properties:
                      steps:
                        type: array
                        items:
                          type: object
                          x-kubernetes-validations:
                            - rule: self.mode == 'Careful'
                              message: only Careful
                          properties:
                            mode: {type: string, default: Careful}
                """);

        assertThat(rules.crdProblems()).isEmpty();
        assertThat(rules.violations(object("spec: {steps: [{}, {mode: Careful}, {mode: Fast}]}")))
                .containsExactly("spec.steps[2]: Invalid value: \"object\": only Careful");
    }

    @Test
    void messageExpressionReasonAndFieldPathShapeTheMessageAndTransitionRulesWaitForAnUpdate() {
        CelRules rules = rules("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: self.replicas <= 5
                        messageExpression: "'at most 5, not ' + string(self.replicas)"
                        reason: FieldValueForbidden
                        fieldPath: .replicas
                      - rule: self.replicas == oldSelf.replicas
                        message: replicas are immutable
                    properties:
                      replicas: {type: integer}
                """);

        assertThat(rules.crdProblems()).isEmpty();
        assertThat(rules.violations(object("spec: {replicas: 7}"))).containsExactly("spec.replicas: Forbidden: at most 5, not 7");
    }

    @Test
    void aPropertyWithADashIsEscapedAsTheApiServerEscapesIt() {
        CelRules rules = rules("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                      - rule: self.max__dash__surge == 'x' && self.__namespace__ == 'y'
                    properties:
                      max-surge: {type: string}
                      namespace: {type: string}
                """);

        assertThat(rules.crdProblems()).isEmpty();
        assertThat(rules.violations(object("spec: {max-surge: x, namespace: y}"))).isEmpty();
        assertThat(rules.violations(object("spec: {max-surge: z, namespace: y}"))).hasSize(1);
    }
}
