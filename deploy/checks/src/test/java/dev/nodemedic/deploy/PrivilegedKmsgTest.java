package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The privileged kernel log (kustomize component {@code privileged-kmsg}, Helm {@code detector.privileged}):
 * the detector container privileged as NPD's is, and nothing else changed. KernelLogInContainersIT runs it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivilegedKmsgTest {
    @TempDir
    static Path scratch;

    private Manifests kustomizeDefault;
    private Manifests kustomizePrivileged;
    private Manifests helmDefault;
    private Manifests helmPrivileged;

    @BeforeAll
    void render() throws Exception {
        Renders all = Renders.fromBuild(scratch);
        kustomizeDefault = all.overlay("detector");
        kustomizePrivileged = all.overlayWith("detector", List.of("privileged-kmsg"));
        helmDefault = all.helm();
        helmPrivileged = all.helm("privileged-kmsg");
    }

    private static JsonNode daemonSet(Manifests rendered) {
        return rendered.one("DaemonSet", "nodemedic-detector");
    }

    private static JsonNode detector(Manifests rendered) {
        return daemonSet(rendered).at("/spec/template/spec/containers").values().stream().filter(c -> c.path("name").asString().equals("detector"))
                .findFirst().orElseThrow(() -> new AssertionError(rendered + ": no detector container"));
    }

    @Test
    void theDetectorIsPrivilegedInBothInstallPathsAlike() {
        for (Manifests rendered : List.of(kustomizePrivileged, helmPrivileged)) {
            JsonNode security = detector(rendered).path("securityContext");
            assertThat(security.path("privileged").asBoolean(false)).as("%s privileged", rendered).isTrue();
            // The API server refuses privileged: true with allowPrivilegeEscalation: false.
            assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as("%s allowPrivilegeEscalation", rendered).isTrue();
            assertThat(security.path("readOnlyRootFilesystem").asBoolean(false)).as("%s readOnlyRootFilesystem", rendered).isTrue();
            assertThat(security.path("runAsUser").asLong(-1)).as("%s runAsUser", rendered).isZero();
        }
        assertThat(detector(kustomizePrivileged).path("securityContext")).isEqualTo(detector(helmPrivileged).path("securityContext"));
    }

    @Test
    void nothingButTheDetectorsSecurityContextChanges() {
        assertThat(withoutDetectorSecurity(kustomizePrivileged)).as("kustomize").isEqualTo(withoutDetectorSecurity(kustomizeDefault));
        assertThat(withoutDetectorSecurity(helmPrivileged)).as("helm").isEqualTo(withoutDetectorSecurity(helmDefault));
        assertThat(daemonSet(kustomizePrivileged).at("/spec/template/spec/initContainers/0/securityContext/privileged").asBoolean(false))
                .as("the init container").isFalse();
    }

    @Test
    void theDefaultsStayUnprivileged() {
        assertThat(detector(kustomizeDefault).at("/securityContext/privileged").asBoolean(false)).isFalse();
        assertThat(detector(helmDefault).at("/securityContext/privileged").asBoolean(false)).isFalse();
    }

    private static JsonNode withoutDetectorSecurity(Manifests rendered) {
        ObjectNode copy = (ObjectNode) daemonSet(rendered).deepCopy();
        copy.at("/spec/template/spec/containers").values().forEach(c -> {
            if (c.path("name").asString().equals("detector")) {
                ((ObjectNode) c).remove("securityContext");
            }
        });
        return copy;
    }
}
