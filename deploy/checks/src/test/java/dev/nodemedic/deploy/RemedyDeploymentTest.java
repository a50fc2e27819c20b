package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The remedy controller as every install path renders it: two replicas, one disruption at a time, probed, unprivileged. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemedyDeploymentTest {
    @TempDir
    static Path scratch;

    private Renders all;
    private List<Manifests> renders;

    @BeforeAll
    void render() throws Exception {
        all = Renders.fromBuild(scratch);
        renders = all.withRemedy();
    }

    Stream<Manifests> remedyRenders() {
        return renders.stream();
    }

    @Test
    void theOverlaysAndTheChartWithRemedyValuesHoldTheController() {
        assertThat(renders).extracting(Manifests::source).contains("kustomize overlays/remedy", "kustomize overlays/all", "helm -f remedy");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void twoReplicasAndABudgetThatKeepsOneRunning(Manifests rendered) {
        JsonNode deployment = rendered.one("Deployment", "nodemedic-remedy");
        JsonNode budget = rendered.one("PodDisruptionBudget", "nodemedic-remedy");

        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(budget.at("/spec/minAvailable").asInt()).isEqualTo(1);
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        JsonNode budgetSelector = budget.at("/spec/selector/matchLabels");
        // An empty selector would match every pod in the namespace, so the budget must name ours.
        assertThat(budgetSelector.size()).as("labels in the budget's selector").isPositive();
        budgetSelector.properties().forEach(label ->
                assertThat(podLabels.path(label.getKey()).asString()).as("the budget's selector %s", label.getKey()).isEqualTo(label.getValue().asString()));
        JsonNode spread = deployment.at("/spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm");
        assertThat(spread.path("topologyKey").asString()).as("replicas spread over nodes").isEqualTo("kubernetes.io/hostname");
        JsonNode spreadSelector = spread.at("/labelSelector/matchLabels");
        assertThat(spreadSelector.size()).as("labels in the anti-affinity's selector").isPositive();
        spreadSelector.properties().forEach(label ->
                assertThat(podLabels.path(label.getKey()).asString()).as("the anti-affinity's selector %s", label.getKey()).isEqualTo(label.getValue().asString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void probesAskTheControllersHealthAndReadinessOnItsPort(Manifests rendered) {
        JsonNode container = rendered.one("Deployment", "nodemedic-remedy").at("/spec/template/spec/containers/0");
        int port = container.at("/ports/0/containerPort").asInt();

        // The image's entrypoint ends in `run`: the args are run's, and a `run` among them is refused (issue 18).
        assertThat(container.path("args").values()).extracting(JsonNode::asString).contains("--port=" + port).doesNotContain("run");
        assertThat(container.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/healthz");
        assertThat(container.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/readyz");
        String portName = container.at("/ports/0/name").asString();
        assertThat(container.at("/livenessProbe/httpGet/port").asString()).isEqualTo(portName);
        assertThat(container.at("/readinessProbe/httpGet/port").asString()).isEqualTo(portName);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void theLeaseIdentityComesFromTheDownwardApi(Manifests rendered) {
        JsonNode env = rendered.one("Deployment", "nodemedic-remedy").at("/spec/template/spec/containers/0/env");

        assertThat(env.values()).extracting(e -> e.path("name").asString() + "=" + e.at("/valueFrom/fieldRef/fieldPath").asString())
                .contains("POD_NAME=metadata.name", "POD_NAMESPACE=metadata.namespace");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void itSelectsOnlyNodesItsImageCanRunOn(Manifests rendered) {
        JsonNode pod = rendered.one("Deployment", "nodemedic-remedy").at("/spec/template/spec");

        assertThat(pod.path("nodeSelector").properties()).extracting(e -> e.getKey() + "=" + e.getValue().asString())
                .containsExactlyInAnyOrder("kubernetes.io/os=" + ImageBuild.PLATFORM.split("/")[0], "kubernetes.io/arch=" + ImageBuild.PLATFORM.split("/")[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void itRunsUnprivilegedAsNonRoot(Manifests rendered) {
        JsonNode pod = rendered.one("Deployment", "nodemedic-remedy").at("/spec/template/spec");
        JsonNode security = pod.at("/containers/0/securityContext");

        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/seccompProfile/type").asString()).isEqualTo("RuntimeDefault");
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.at("/capabilities/drop").values()).extracting(JsonNode::asString).containsExactly("ALL");
        assertThat(security.has("privileged") && security.path("privileged").asBoolean()).isFalse();
        assertThat(pod.path("volumes").values()).noneMatch(v -> v.has("hostPath"));
        assertThat(pod.at("/containers/0/resources/limits/memory").asString()).isNotEmpty();
    }

    @Test
    void theExamplePolicyIsInDryRunInBothInstallPaths() throws Exception {
        Path examples = all.tree().kustomize().resolve("examples/remedy-policy");
        Manifests kustomize = Manifests.parse("kustomize examples/remedy-policy", Kustomize.fromBuild().build(examples));
        Manifests helm = all.helm("remedy");

        for (Manifests rendered : List.of(kustomize, helm)) {
            JsonNode policy = rendered.one("NodeRemedyPolicy", "kernel-deadlock");
            assertThat(policy.at("/spec/dryRun").asBoolean(false)).as("%s dryRun", rendered).isTrue();
        }
        // The same example as the controller's own, so that its tests cover what is shipped here.
        JsonNode own = Manifests.parseYaml(Files.readString(all.tree().deploy().resolve("../remedy-controller/examples/kernel-deadlock-dry-run.yaml")));
        assertThat(kustomize.one("NodeRemedyPolicy", "kernel-deadlock").path("spec")).isEqualTo(own.path("spec"));
        assertThat(helm.one("NodeRemedyPolicy", "kernel-deadlock").path("spec")).isEqualTo(own.path("spec"));
    }
}
