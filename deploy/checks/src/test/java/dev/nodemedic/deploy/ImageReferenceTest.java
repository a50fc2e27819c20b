package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every render runs the images deploy/image builds, by the names the build gives them: a tar loaded on a
 * node ({@code ctr images import}) or pushed under the same name starts as deployed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageReferenceTest {
    @TempDir
    static Path scratch;

    private Renders all;
    private ImageBuild build;

    @BeforeAll
    void read() {
        all = Renders.fromBuild(scratch);
        build = ImageBuild.read(all.tree().deploy().resolve("image/pom.xml"), DeployTree.property("nodemedic.version"));
    }

    Stream<Manifests> detectorRenders() throws Exception {
        return all.withDetector().stream();
    }

    Stream<Manifests> remedyRenders() throws Exception {
        return all.withRemedy().stream();
    }

    @Test
    void theImageBuildTagsBothImagesWithTheReleaseItLeadsTo() {
        String release = DeployTree.property("nodemedic.version").replaceFirst("-SNAPSHOT$", "");

        assertThat(build.references()).containsExactlyInAnyOrder("ghcr.io/nodemedic/nodemedic:" + release, "ghcr.io/nodemedic/nodemedic-remedy:" + release);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRender")
    void everyImageIsFullyQualifiedSoTheKubeletAsksForTheNameItWasImportedUnder(Manifests rendered) {
        rendered.objects().stream().flatMap(o -> Stream.concat(o.at("/spec/template/spec/initContainers").values().stream(),
                o.at("/spec/template/spec/containers").values().stream())).forEach(container -> {
                    ImageReference image = new ImageReference(container.path("image").asString());
                    assertThat(image.isFullyQualified()).as("%s: %s runs %s, which the kubelet asks for as %s", rendered, container.path("name").asString(),
                            image, image.asTheKubeletAsks()).isTrue();
                });
    }

    Stream<Manifests> everyRender() throws Exception {
        return Stream.concat(detectorRenders(), remedyRenders());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void theAgentsContainersRunTheAgentImageTheBuildMakes(Manifests rendered) {
        JsonNode pod = rendered.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");

        assertThat(images(pod, "initContainers", "builtin-plugins")).as("%s: the init container copying the built-in plugins", rendered)
                .containsExactly(build.reference("nodemedic"));
        assertThat(images(pod, "containers", "detector")).as("%s: the detector", rendered).containsExactly(build.reference("nodemedic"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void theControllerRunsTheRemedyImageTheBuildMakes(Manifests rendered) {
        JsonNode pod = rendered.one("Deployment", "nodemedic-remedy").at("/spec/template/spec");

        assertThat(images(pod, "containers", "remedy")).as("%s: the controller", rendered).containsExactly(build.reference("nodemedic-remedy"));
    }

    private static List<String> images(JsonNode pod, String kind, String name) {
        List<String> images = new ArrayList<>();
        pod.path(kind).values().forEach(container -> {
            if (container.path("name").asString().equals(name)) {
                images.add(container.path("image").asString());
            }
        });
        return images;
    }
}
