package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The chart, rendered and linted by Helm itself. */
class HelmChartTest {
    @TempDir
    Path scratch;

    private Renders renders;

    @BeforeEach
    void setUp() {
        renders = Renders.fromBuild(scratch);
    }

    @Test
    void helmLintStrictFindsNothing() {
        LintResult lint = renders.chart().lint();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void theDefaultValuesRenderTheSameObjectsAsTheDetectorOverlay() throws Exception {
        Manifests helm = renders.helm();
        Manifests kustomize = renders.overlay("detector");

        assertThat(helm.objects()).extracting(HelmChartTest::kindAndName)
                .containsExactlyInAnyOrderElementsOf(kustomize.objects().stream().map(HelmChartTest::kindAndName)
                        .map(n -> n.replaceAll("-[a-z0-9]{10}$", "")).toList());
    }

    @Test
    void aMisspeltValueIsAnError() {
        assertThatThrownBy(() -> renders.chart().template(List.of(), Map.of("detector.resorces.limits.memory", "1Gi")))
                .hasMessageContaining("resorces").hasMessageContaining("additional properties");
    }

    @Test
    void aDigestRunsTheImagesByDigestOverTheirTags() {
        String agent = "sha256:" + "a".repeat(64);
        String remedy = "sha256:" + "0123456789abcdef".repeat(4);
        Manifests helm = Manifests.parse("helm", renders.chart().template(List.of(), Map.of("image.digest", agent, "image.tag", "0.1.0",
                "remedy.enabled", "true", "remedy.image.digest", remedy)));

        JsonNode detector = helm.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");
        assertThat(Stream.concat(detector.path("initContainers").values().stream(), detector.path("containers").values().stream()))
                .extracting(c -> c.path("image").asString()).containsOnly("ghcr.io/nodemedic/nodemedic@" + agent);
        assertThat(helm.one("Deployment", "nodemedic-remedy").at("/spec/template/spec/containers/0/image").asString())
                .isEqualTo("ghcr.io/nodemedic/nodemedic-remedy@" + remedy);
    }

    @Test
    void aDigestThatIsNotSha256OfSixtyFourHexDigitsIsAnError() {
        for (String bad : List.of("71f6e839c45e1530ac95a9659ffec449ba58c81268948762427a7bf1f0e02ee7", "sha256:71f6e839", "sha256:" + "A".repeat(64))) {
            assertThatThrownBy(() -> renders.chart().template(List.of(), Map.of("image.digest", bad))).as(bad).hasMessageContaining("digest");
        }
        assertThatThrownBy(() -> renders.chart().template(List.of(), Map.of("remedy.image.digest", "latest"))).hasMessageContaining("digest");
    }

    @Test
    void aValueOfTheWrongTypeIsAnError() {
        assertThatThrownBy(() -> renders.chart().template(List.of(), Map.of("detector.statusPort", "status")))
                .hasMessageContaining("statusPort");
    }

    @Test
    void offTheHostNetworkTheStatusServerListensOnThePodIpWhereTheKubeletProbes() {
        JsonNode agent = Manifests.parse("helm", renders.chart().template(List.of(), Map.of("detector.hostNetwork", "false")))
                .one("DaemonSet", "nodemedic-detector").at("/spec/template/spec/containers/0");

        // The pod's own loopback is not the kubelet's: the probe goes to the pod IP, as by default.
        assertThat(agent.path("args").values()).extracting(JsonNode::asString).contains("--status-address=$(POD_IP)");
        assertThat(agent.at("/livenessProbe/httpGet").has("host")).isFalse();
        assertThat(agent.at("/readinessProbe/httpGet").has("host")).isFalse();
    }

    @Test
    void thePluginExampleAddsAnInitContainerPerPluginImageAndItsConfig() {
        Manifests helm = renders.helm("plugin-reboot-required");

        JsonNode pod = helm.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");
        assertThat(pod.path("initContainers").values()).extracting(c -> c.path("name").asString()).containsExactly("builtin-plugins", "plugin-reboot-required");
        assertThat(pod.at("/initContainers/1/image").asString()).isEqualTo("registry.example/nodemedic-plugin-reboot-required:0.1.0");
        assertThat(pod.at("/initContainers/1/command/2").asString()).isEqualTo("cp /plugins/*.jar /var/lib/nodemedic/plugins/; chmod 755 /var/lib/nodemedic/plugins; chmod 644 /var/lib/nodemedic/plugins/*.jar");
        assertThat(helm.configMap("nodemedic-config").at("/data/reboot-required.yaml").asString()).contains("markerFile: /host/run/reboot-required");
    }

    @Test
    void theContainerRuntimeExampleCopiesItsJarAndMountsTheSocketFolderReadOnly() {
        JsonNode pod = renders.helm("container-runtime").one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");

        assertThat(pod.at("/initContainers/0/command/2").asString()).startsWith("for p in container-runtime custom-plugin ");
        assertThat(pod.at("/containers/0/volumeMounts").values()).filteredOn(m -> m.path("mountPath").asString().equals("/run/containerd"))
                .singleElement().satisfies(m -> assertThat(m.path("readOnly").asBoolean()).isTrue());
    }

    @Test
    void theSystemStatsExampleCopiesItsJarMountsTheNodeReadOnlyAndGivesItTheChartsConfig() {
        Manifests helm = renders.helm("container-runtime", "system-stats");

        JsonNode pod = helm.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");
        assertThat(pod.at("/initContainers/0/command/2").asString()).startsWith("for p in container-runtime custom-plugin ").contains(" system-stats;");
        assertThat(pod.at("/containers/0/volumeMounts").values()).filteredOn(m -> m.path("mountPath").asString().startsWith("/host/") && m.path("readOnly").asBoolean(false))
                .extracting(m -> m.path("mountPath").asString()).contains("/host/proc", "/host/sys", "/host/etc/os-release");
        assertThat(pod.at("/containers/0/env").values()).extracting(e -> e.path("name").asString() + "=" + e.path("value").asString())
                .contains("HOST_PROC=/host/proc", "HOST_SYS=/host/sys", "HOST_ETC=/host/etc");
        assertThat(helm.configMap("nodemedic-config").at("/data/system-stats.json").asString()).contains("\"cpu/usage_time\"");
        assertThat(renders.helm().configMap("nodemedic-config").at("/data").has("system-stats.json")).as("off by default, as in NPD").isFalse();
    }

    @Test
    void eachRulesFileBecomesAKernelLogInstance() {
        String rendered = renders.chart().template(List.of(), Map.of("rules.docker-monitor\\.json", "{\"source\": \"docker-monitor\"}"));

        JsonNode config = Manifests.parse("helm", rendered).configMap("nodemedic-config");
        assertThat(config.at("/data/nodemedic.yaml").asString()).contains("name: docker-monitor").contains("config: ../rules/docker-monitor.json")
                .doesNotContain("kernel-monitor");
    }

    @Test
    void monitoringValuesAddTheServiceMonitorRuleAndDashboard() {
        Manifests helm = renders.helm("monitoring");

        assertThat(helm.one("ServiceMonitor", "nodemedic-detector").at("/spec/endpoints/0/relabelings/0/targetLabel").asString()).isEqualTo("node");
        assertThat(helm.one("PrometheusRule", "nodemedic").at("/spec/groups/0/rules").size()).isPositive();
        assertThat(helm.configMap("nodemedic-dashboard").at("/data/nodemedic.json").asString()).contains("\"uid\": \"nodemedic\"");
    }

    private static String kindAndName(JsonNode object) {
        return object.path("kind").asString() + "/" + object.at("/metadata/name").asString();
    }
}
