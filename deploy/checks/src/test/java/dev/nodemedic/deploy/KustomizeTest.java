package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Every kustomization renders with kustomize itself, without a warning, into the objects it promises. */
class KustomizeTest {
    @TempDir
    Path scratch;

    private Renders renders;

    @BeforeEach
    void setUp() {
        renders = Renders.fromBuild(scratch);
    }

    @Test
    void theRenderingKustomizeIsThePinnedRelease() throws Exception {
        assertThat(Kustomize.fromBuild().version()).contains("kustomize/v" + DeployTree.property("nodemedic.kustomize.version"));
    }

    @Test
    void theDefaultIsTheDetectorOverlay() throws Exception {
        assertThat(renders.defaultKustomization().objects()).isEqualTo(renders.overlay("detector").objects());
    }

    @Test
    void theDetectorOverlayHoldsTheAgentAndNothingElse() throws Exception {
        Manifests detector = renders.overlay("detector");

        assertThat(detector.objects()).extracting(o -> o.path("kind").asString() + "/" + o.at("/metadata/name").asString())
                .containsExactlyInAnyOrder("ServiceAccount/nodemedic-detector", "ClusterRole/nodemedic-detector", "ClusterRoleBinding/nodemedic-detector",
                        "ConfigMap/" + detector.configMap("nodemedic-config").at("/metadata/name").asString(),
                        "ConfigMap/" + detector.configMap("nodemedic-rules").at("/metadata/name").asString(),
                        "Service/nodemedic-detector", "DaemonSet/nodemedic-detector");
        assertThat(detector.objects()).filteredOn(o -> !o.path("kind").asString().startsWith("Cluster"))
                .allSatisfy(o -> assertThat(o.at("/metadata/namespace").asString()).as(o.at("/metadata/name").asString()).isEqualTo("kube-system"));
    }

    @Test
    void theContainerRuntimeComponentCopiesItsJarAndMountsTheSocketFolderReadOnly() throws Exception {
        JsonNode pod = renders.overlayWith("detector", List.of("container-runtime")).one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");

        assertThat(pod.at("/initContainers/0/command/2").asString()).startsWith("for p in container-runtime custom-plugin ");
        assertThat(pod.at("/containers/0/volumeMounts").values()).filteredOn(m -> m.path("mountPath").asString().equals("/run/containerd"))
                .singleElement().satisfies(m -> assertThat(m.path("readOnly").asBoolean()).isTrue());
    }

    @Test
    void theSystemStatsComponentCopiesItsJarAfterTheBuiltInsAndMountsTheNodesProcSysAndOsReleaseReadOnly() throws Exception {
        Manifests rendered = renders.overlayWith("detector", List.of("container-runtime", "system-stats"));
        JsonNode pod = rendered.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");

        // Appended, so the container-runtime component's edit of the first init container still lands on builtin-plugins.
        assertThat(pod.path("initContainers").values()).extracting(c -> c.path("name").asString()).containsExactly("builtin-plugins", "plugin-system-stats");
        assertThat(pod.at("/initContainers/0/command/2").asString()).startsWith("for p in container-runtime custom-plugin ");
        assertThat(pod.at("/initContainers/1/command/2").asString()).contains("/plugins/system-stats-*.jar");
        Map<String, String> mounts = pod.at("/containers/0/volumeMounts").values().stream().filter(m -> m.path("mountPath").asString().startsWith("/host/"))
                .filter(m -> m.path("readOnly").asBoolean(false))
                .collect(Collectors.toMap(m -> m.path("mountPath").asString(), m -> m.path("name").asString()));
        assertThat(mounts).containsKeys("/host/proc", "/host/sys", "/host/etc/os-release");
        assertThat(pod.at("/containers/0/env").values()).extracting(e -> e.path("name").asString() + "=" + e.path("value").asString())
                .contains("HOST_PROC=/host/proc", "HOST_SYS=/host/sys", "HOST_ETC=/host/etc");
        assertThat(rendered.configMap("nodemedic-config").at("/data").propertyNames()).contains("system-stats.json");
    }

    @Test
    void theAllOverlayIsTheDetectorAndTheRemedyController() throws Exception {
        List<JsonNode> both = new java.util.ArrayList<>(renders.overlay("detector").objects());
        both.addAll(renders.overlay("remedy").objects());

        assertThat(renders.overlay("all").objects()).containsExactlyInAnyOrderElementsOf(both);
        assertThat(renders.overlay("remedy").ofKind("DaemonSet")).isEmpty();
    }

    @Test
    void theDaemonSetMountsTheGeneratedConfigMapsByTheirHashedNames() throws Exception {
        Manifests detector = renders.overlay("detector");
        String config = detector.configMap("nodemedic-config").at("/metadata/name").asString();
        String rules = detector.configMap("nodemedic-rules").at("/metadata/name").asString();

        // The hash in the name rolls the DaemonSet whenever a rule or setting changes.
        assertThat(config).matches("nodemedic-config-[a-z0-9]{10}");
        JsonNode volumes = detector.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec/volumes");
        assertThat(volumes.values()).extracting(v -> v.at("/configMap/name").asString()).contains(config, rules);
    }

    @Test
    void theComponentsAddThePluginImageAndTheMonitoringObjects() throws Exception {
        Manifests all = renders.overlayWith("detector", List.of("monitoring", "plugin-reboot-required"));

        JsonNode pod = all.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");
        assertThat(pod.path("initContainers").values()).extracting(c -> c.path("name").asString()).containsExactlyInAnyOrder("builtin-plugins", "plugin-reboot-required");
        assertThat(all.configMap("nodemedic-config").at("/data").propertyNames()).contains("nodemedic.yaml", "reboot-required.yaml");
        assertThat(all.one("ServiceMonitor", "nodemedic-detector").at("/spec/endpoints/0/port").asString()).isEqualTo("metrics");
        assertThat(all.one("PrometheusRule", "nodemedic").at("/spec/groups").size()).isPositive();
    }
}
