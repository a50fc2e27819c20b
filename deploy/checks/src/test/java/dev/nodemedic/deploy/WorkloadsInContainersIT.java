package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The image tars and the manifests together, on a real containerd: each tar imported as deploy/README.md
 * says, every image a render runs found under the name the kubelet asks for, every workload selecting the
 * platform its image is, and every workload of ours started from the process its render and its image
 * make together (command over entrypoint, args over Cmd), in a container with the render's security
 * context and volumes, until its own probe answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkloadsInContainersIT {
    @TempDir
    static Path scratch;

    private Renders all;
    private ImageBuild build;
    private Containerd containerd;
    private Path node;

    @BeforeAll
    void importTheTars() throws Exception {
        assertThat(Containerd.unavailableBecause()).as("running containerd and runc").isEmpty();
        all = Renders.fromBuild(scratch);
        build = ImageBuild.read(all.tree().deploy().resolve("image/pom.xml"), DeployTree.property("nodemedic.version"));
        // Not under @TempDir: containerd's socket path must stay short, and its mounts must be gone before the folder is.
        Path dir = Files.createTempDirectory("nmctrd");
        containerd = Containerd.start(dir);
        containerd.importImage(Path.of(DeployTree.property("nodemedic.image.tar")));
        containerd.importImage(Path.of(DeployTree.property("nodemedic.remedy.image.tar")));
        node = Files.createDirectories(dir.resolve("node"));
    }

    @AfterAll
    void stop() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    Stream<Manifests> detectorRenders() throws Exception {
        return all.withDetector().stream();
    }

    Stream<Manifests> remedyRenders() throws Exception {
        return all.withRemedy().stream();
    }

    Stream<Manifests> everyRender() throws Exception {
        return Stream.concat(detectorRenders(), remedyRenders());
    }

    /** The images deploy/image builds, by repository name (nodemedic, nodemedic-remedy). */
    private boolean ours(String image) {
        Set<String> names = Set.copyOf(build.references().stream().map(r -> new ImageReference(r).name()).toList());
        return names.contains(new ImageReference(image).name());
    }

    @Test
    void eachTarIsImportedUnderTheFullyQualifiedNameTheBuildGivesIt() throws Exception {
        assertThat(containerd.images()).containsAll(build.references());
        assertThat(build.references()).allSatisfy(r -> assertThat(new ImageReference(r).isFullyQualified()).as(r).isTrue());
    }

    /**
     * deploy/README.md, "Pin by digest": the digest the build writes beside each tar (Jib's jib-image.digest) is
     * the manifest containerd holds the imported image at, so image.digest (Helm) or digest: (kustomize) from that
     * file names the very image the tar holds.
     */
    @Test
    void theDigestTheBuildRecordsIsTheOneContainerdHoldsTheImageAt() throws Exception {
        Path agentTar = Path.of(DeployTree.property("nodemedic.image.tar"));
        Path remedyTar = Path.of(DeployTree.property("nodemedic.remedy.image.tar"));
        Map<String, String> held = containerd.digests();
        Map<Path, Path> recorded = Map.of(agentTar, agentTar.resolveSibling("jib-image.digest"),
                remedyTar, remedyTar.resolveSibling("jib-remedy-image.digest"));

        for (String reference : build.references()) {
            Path tar = reference.contains("nodemedic-remedy") ? remedyTar : agentTar;
            String digest = Files.readString(recorded.get(tar)).strip();
            assertThat(digest).as("%s", recorded.get(tar)).matches("sha256:[0-9a-f]{64}");
            assertThat(held).as("containerd's images").containsEntry(reference, digest);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRender")
    void everyImageOfOursResolvesUnderTheNameTheKubeletAsksFor(Manifests rendered) throws Exception {
        List<String> held = containerd.images();
        for (JsonNode container : podContainers(rendered)) {
            String image = container.path("image").asString();
            if (ours(image)) {
                assertThat(held).as("%s: %s runs %s, which the kubelet asks containerd for as %s", rendered, container.path("name").asString(), image,
                        new ImageReference(image).asTheKubeletAsks()).contains(new ImageReference(image).asTheKubeletAsks());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRender")
    void everyWorkloadSelectsThePlatformItsImageIs(Manifests rendered) throws Exception {
        for (JsonNode workload : workloads(rendered)) {
            JsonNode pod = workload.at("/spec/template/spec");
            for (JsonNode container : Stream.concat(pod.path("initContainers").values().stream(), pod.path("containers").values().stream()).toList()) {
                String image = container.path("image").asString();
                if (ours(image)) {
                    String platform = containerd.config(image).platform();
                    assertThat(pod.at("/nodeSelector/kubernetes.io~1os").asString() + "/" + pod.at("/nodeSelector/kubernetes.io~1arch").asString())
                            .as("%s: %s selects the nodes of its image %s", rendered, workload.at("/metadata/name").asString(), image).isEqualTo(platform);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void theAgentStartsFromTheProcessItsRenderAndImageMake(Manifests rendered) throws Exception {
        try (Pod pod = Pod.of(containerd, new FakeNode("node-a", node.resolve(podName("detector")), Set.of("/dev/kmsg")), rendered, "DaemonSet",
                "nodemedic-detector", podName("detector"))) {
            // Init containers whose images are others' (plugin images, examples) are not here to run.
            for (JsonNode init : pod.containers("initContainers", this::ours)) {
                pod.runToCompletion(init.path("name").asString());
            }
            try (Pod.Running agent = pod.start("detector")) {
                agent.awaitProbe("readinessProbe");
                int status = agent.port(agent.containerSpec().at("/readinessProbe/httpGet/port"));
                String conditions = agent.get(status, "/conditions").orElseThrow();
                // The kernel monitor's conditions: the rules ConfigMap bound and the plugins the init container copied loaded.
                assertThat(conditions).as("%s: /conditions", rendered).contains("\"KernelDeadlock\"");
                // kubelet-health's certificate check runs only where the render opted in (the pki mounted, the check on);
                // elsewhere its condition is not there at all.
                if (Renders.optsInToKubeletCertificate(rendered)) {
                    assertThat(conditions).as("%s: /conditions", rendered).contains("\"KubeletCertificateExpiring\"");
                } else {
                    assertThat(conditions).as("%s: /conditions", rendered).doesNotContain("KubeletCertificateExpiring");
                }
            }
        }
    }

    /**
     * NPD's DaemonSet with our image and nothing else changed (the fixture mirrors NPD's own manifest):
     * its command replaces our entrypoint, so {@code /node-problem-detector} and NPD's flags must make
     * the agent, under NPD's security context (privileged, the image's own user), and also under a
     * read-only root, as our DaemonSet runs it.
     */
    @ParameterizedTest(name = "read-only root: {0}")
    @ValueSource(booleans = {false, true})
    void npdsOwnDaemonSetRunsOurImageWithItsCommandUnchanged(boolean readOnlyRoot) throws Exception {
        Manifests npd = Manifests.parse("NPD's DaemonSet with our image" + (readOnlyRoot ? ", read-only root" : ""),
                Files.readString(Path.of(WorkloadsInContainersIT.class.getResource("/npd/node-problem-detector.yaml").toURI())));
        ObjectNode container = (ObjectNode) npd.one("DaemonSet", "node-problem-detector").at("/spec/template/spec/containers/0");
        container.put("image", build.reference("nodemedic"));
        if (readOnlyRoot) {
            ((ObjectNode) container.path("securityContext")).put("readOnlyRootFilesystem", true);
        }
        ((ObjectNode) npd.configMap("node-problem-detector-config").path("data")).put("kernel-monitor.json",
                Files.readString(all.tree().deploy().resolve("kustomize/base/detector/config/kernel-monitor.json")));

        try (Pod pod = Pod.of(containerd, new FakeNode("node-a", node.resolve(podName("npd")), Set.of("/dev/kmsg", "/etc/localtime")), npd, "DaemonSet",
                "node-problem-detector", podName("npd"));
                Pod.Running agent = pod.start("node-problem-detector")) {
            // NPD's server: --address and --port at NPD's defaults, 127.0.0.1:20256.
            agent.await("GET :20256/healthz", () -> agent.get(20256, "/healthz"));
            String conditions = agent.get(20256, "/conditions").orElseThrow();
            // One daemon instance per monitor file the flags name, and no other daemon.
            assertThat(conditions).as("%s: /conditions", npd).contains("\"KernelDeadlock\"", "\"CorruptDockerOverlay2\"", "\"ConntrackFull\"")
                    .doesNotContain("\"RebootRequired\"", "\"KubeletUnhealthy\"");
            assertThat(agent.get(20257, "/metrics")).as("%s: NPD's Prometheus port", npd).get().asString().contains("problem_gauge");
            assertThat(agent.printed()).contains("daemon started daemon=kernel-monitor plugin=kernel-log", "daemon started daemon=docker-monitor plugin=kernel-log",
                    "daemon started daemon=network-problem-monitor plugin=custom-plugin");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("remedyRenders")
    void theControllerStartsFromTheProcessItsRenderAndImageMake(Manifests rendered) throws Exception {
        try (Pod pod = Pod.of(containerd, new FakeNode("node-a", node.resolve(podName("remedy")), Set.of()), rendered, "Deployment", "nodemedic-remedy",
                podName("remedy"));
                Pod.Running controller = pod.start("remedy")) {
            // Its liveness probe on the port its args give: the process parsed the render's arguments and serves.
            controller.awaitProbe("livenessProbe");
            assertThat(controller.printed()).as("%s", rendered).contains("remedy controller started");
        }
    }

    private int pods;

    private String podName(String what) {
        return what + "-" + ++pods;
    }

    private static List<JsonNode> workloads(Manifests rendered) {
        List<JsonNode> workloads = new ArrayList<>();
        rendered.ofKind("DaemonSet").forEach(workloads::add);
        rendered.ofKind("Deployment").forEach(workloads::add);
        return workloads;
    }

    private static List<JsonNode> podContainers(Manifests rendered) {
        return workloads(rendered).stream().map(w -> w.at("/spec/template/spec"))
                .flatMap(pod -> Stream.concat(pod.path("initContainers").values().stream(), pod.path("containers").values().stream())).toList();
    }
}
