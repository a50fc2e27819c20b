package dev.nodemedic.remedy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The CRD YAML the build generates from the Java types: what the API server will enforce and show. */
class NodeRemedyPolicyCrdTest {
    private final CustomResourceDefinition crd = GeneratedCrd.read();
    private final CustomResourceDefinitionVersion version = crd.getSpec().getVersions().getFirst();
    private final JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");

    @Test
    void isClusterScopedInTheRemedyGroupAtV1alpha1() {
        assertThat(crd.getMetadata().getName()).isEqualTo("noderemedypolicies.remedy.nodemedic.dev");
        assertThat(crd.getSpec().getGroup()).isEqualTo("remedy.nodemedic.dev");
        assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("NodeRemedyPolicy");
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("noderemedypolicies");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("nrp");
        assertThat(crd.getSpec().getVersions()).hasSize(1);
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getServed()).isTrue();
        assertThat(version.getStorage()).isTrue();
    }

    @Test
    void statusIsASubresourceSoSpecWritersCannotOverwriteIt() {
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getSchema().getOpenAPIV3Schema().getProperties()).containsKeys("spec", "status");
    }

    @Test
    void kubectlGetShowsPhaseNodesActingAndBlocked() {
        Map<String, String> columns = version.getAdditionalPrinterColumns().stream()
                .collect(Collectors.toMap(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath));

        assertThat(columns).containsEntry("Phase", ".status.phase")
                .containsEntry("Nodes", ".status.eligibleNodes")
                .containsEntry("Unhealthy", ".status.unhealthyNodes")
                .containsEntry("Acting", ".status.inFlightNodes")
                .containsEntry("Blocked", ".status.blockedNodes")
                .containsEntry("DryRun", ".spec.dryRun")
                .containsEntry("Age", ".metadata.creationTimestamp");
        JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        assertThat(status.getProperties()).containsKeys("phase", "eligibleNodes", "unhealthyNodes", "inFlightNodes", "blockedNodes",
                "nodes", "recentActions", "stormEndedAt");
    }

    @Test
    void theSchemaRequiresSelectorRulesAndActions() {
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("nodeSelector", "rules", "actions");
        assertThat(spec.getProperties().get("rules").getMinItems()).isEqualTo(1L);
        assertThat(spec.getProperties().get("actions").getMinItems()).isEqualTo(1L);
        JSONSchemaProps rule = spec.getProperties().get("rules").getItems().getSchema();
        assertThat(rule.getRequired()).containsExactlyInAnyOrder("type", "minDuration");
        assertThat(rule.getProperties().get("status").getPattern()).isEqualTo("^(True|Unknown)$");
        assertThat(rule.getProperties().get("minDuration").getPattern()).isEqualTo(PolicyDefaults.DURATION_PATTERN);
    }

    @Test
    void aStepMustHaveExactlyOneAction() {
        JSONSchemaProps step = spec.getProperties().get("actions").getItems().getSchema();

        assertThat(step.getXKubernetesValidations()).singleElement().satisfies(rule -> {
            assertThat(rule.getRule()).contains("has(self.taint)").contains("has(self.requestReboot)").endsWith("size() == 1");
            assertThat(rule.getMessage()).isEqualTo("a step has exactly one of taint, cordon, drain, requestReboot");
        });
        assertThat(step.getRequired()).containsExactly("timeout");
        assertThat(step.getProperties().get("onTimeout").getPattern()).isEqualTo("^(Escalate|Stop)$");
        assertThat(step.getProperties().get("taint").getProperties().get("effect").getPattern())
                .isEqualTo("^(NoSchedule|PreferNoSchedule|NoExecute)$");
    }

    @Test
    void theDefaultsAreTheCarefulOnes() {
        assertThat(spec.getProperties().get("dryRun").getDefault().asBoolean()).isTrue();
        assertThat(spec.getProperties().get("paused").getDefault().asBoolean()).isFalse();
        assertThat(spec.getProperties().get("actOnCordonedNodes").getDefault().asBoolean()).isFalse();
        assertThat(spec.getProperties().get("excludeLabel").getDefault().asString()).isEqualTo(PolicyDefaults.EXCLUDE_LABEL);
        Map<String, JSONSchemaProps> budgets = spec.getProperties().get("budgets").getProperties();
        assertThat(budgets.get("maxUnhealthy").getDefault().asString()).isEqualTo("20%");
        assertThat(budgets.get("maxUnhealthy").getXKubernetesIntOrString()).isTrue();
        assertThat(budgets.get("maxInFlight").getDefault().asInt()).isEqualTo(1);
        assertThat(budgets.get("maxPerZone").getDefault().asInt()).isEqualTo(1);
        assertThat(budgets.get("minInterval").getDefault().asString()).isEqualTo("5m");
        assertThat(budgets.get("stormCooldown").getDefault().asString()).isEqualTo("30m");
        assertThat(budgets.get("maxAttempts").getDefault().asInt()).isEqualTo(3);
        assertThat(budgets.get("maxAttempts").getMinimum()).isEqualTo(1.0);
    }
}
