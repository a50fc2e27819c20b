package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The worked example of a daemon in its own container: the conntrack detector as a sidecar, added by
 * the kustomize component {@code conntrack-sidecar} or the chart's {@code examples.conntrackSidecar}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConntrackSidecarTest {
    /** The agent's defaults when its config has no report section (detector-core/docs/report-api.md). */
    private static final String DEFAULT_SOCKET = "/run/nodemedic/report.sock";
    private static final String DEFAULT_PERMISSIONS = "rw-rw----";
    private static final Duration CONDITION_BOUND = Duration.ofSeconds(30);

    @TempDir
    static Path scratch;

    private Renders all;
    private Manifests kustomize;
    private Manifests helm;

    @BeforeAll
    void render() throws Exception {
        all = Renders.fromBuild(scratch);
        kustomize = all.overlayWith("detector", List.of("conntrack-sidecar"));
        helm = all.helm("conntrack-sidecar");
    }

    Stream<Manifests> withSidecar() {
        return Stream.of(kustomize, helm);
    }

    private static JsonNode pod(Manifests rendered) {
        return rendered.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");
    }

    private static JsonNode container(Manifests rendered, String name) {
        return pod(rendered).path("containers").values().stream().filter(c -> c.path("name").asString().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(rendered + ": no container named " + name));
    }

    private static JsonNode volume(Manifests rendered, String name) {
        return pod(rendered).path("volumes").values().stream().filter(v -> v.path("name").asString().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(rendered + ": no volume named " + name));
    }

    private static JsonNode mountAt(JsonNode container, String path) {
        return container.path("volumeMounts").values().stream().filter(m -> m.path("mountPath").asString().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(container.path("name").asString() + " mounts nothing at " + path));
    }

    private static String env(JsonNode container, String name) {
        return container.path("env").values().stream().filter(e -> e.path("name").asString().equals(name)).map(e -> e.path("value").asString()).findFirst()
                .orElseThrow(() -> new AssertionError(container.path("name").asString() + " has no env " + name));
    }

    /** The script the sidecar runs, as the pod sees it: the ConfigMap behind the volume its command names. */
    private static String script(Manifests rendered) {
        JsonNode sidecar = container(rendered, "conntrack-detector");
        Path file = Path.of(sidecar.at("/command/1").asString());
        JsonNode mount = mountAt(sidecar, file.getParent().toString());
        String configMap = volume(rendered, mount.path("name").asString()).at("/configMap/name").asString();
        return rendered.one("ConfigMap", configMap).at("/data/" + file.getFileName()).asString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withSidecar")
    void theSidecarSharesTheAgentsSocketVolumeAtTheSocketsFolder(Manifests rendered) {
        JsonNode report = AgentSettings.of(rendered).agentConfig().path("report");
        assertThat(report.path("enabled").asBoolean(true)).as("report.enabled").isTrue();
        String socket = report.path("socket").asString(DEFAULT_SOCKET);
        String folder = Path.of(socket).getParent().toString();

        JsonNode agentMount = mountAt(container(rendered, "detector"), folder);
        JsonNode sidecarMount = mountAt(container(rendered, "conntrack-detector"), folder);
        assertThat(sidecarMount.path("name").asString()).isEqualTo(agentMount.path("name").asString());
        assertThat(sidecarMount.path("readOnly").asBoolean(false)).as("connecting needs write permission").isFalse();
        // Pod-local: a host folder would let any pod on the node with the same mount report as us.
        assertThat(volume(rendered, agentMount.path("name").asString()).has("emptyDir")).isTrue();
        assertThat(env(container(rendered, "conntrack-detector"), "NODEMEDIC_REPORT_SOCKET")).isEqualTo(socket);
        // The script reads the node's conntrack counters in the pod's network namespace.
        assertThat(pod(rendered).path("hostNetwork").asBoolean(false)).as("hostNetwork").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withSidecar")
    void theSidecarIsNotRootAndReachesTheSocketThroughTheAgentsGroup(Manifests rendered) {
        JsonNode security = container(rendered, "conntrack-detector").path("securityContext");
        JsonNode agent = container(rendered, "detector").path("securityContext");
        String permissions = AgentSettings.of(rendered).agentConfig().at("/report/permissions").asString(DEFAULT_PERMISSIONS);

        assertThat(security.path("runAsUser").asInt(0)).as("runAsUser").isPositive().isNotEqualTo(agent.path("runAsUser").asInt());
        assertThat(security.path("runAsNonRoot").asBoolean(false)).as("runAsNonRoot").isTrue();
        // Not the socket's owner, so the group's bits decide: the sidecar's group is the agent's.
        assertThat(security.path("runAsGroup").isNumber()).as("runAsGroup set").isTrue();
        assertThat(security.path("runAsGroup").asInt()).isEqualTo(agent.path("runAsGroup").asInt());
        assertThat(permissions.substring(3, 5)).as("the socket's group permissions").isEqualTo("rw");
        assertThat(permissions.substring(6)).as("others may not connect").isEqualTo("---");
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean(false)).isTrue();
        assertThat(security.path("privileged").asBoolean(false)).isFalse();
        assertThat(security.at("/capabilities/drop").values()).extracting(JsonNode::asString).containsExactly("ALL");
        assertThat(security.at("/capabilities/add").isMissingNode()).as("capabilities added").isTrue();
        assertThat(pod(rendered).at("/securityContext/supplementalGroups").values()).extracting(JsonNode::asInt).doesNotContain(0);

        JsonNode resources = container(rendered, "conntrack-detector").path("resources");
        assertThat(Quantity.mebibytes(resources.at("/limits/memory").asString())).as("memory limit, MiB").isBetween(1L, 64L);
        assertThat(resources.at("/requests/cpu").asString()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withSidecar")
    void theSidecarRunsTheExampleScriptWithShAndAPinnedCurlImage(Manifests rendered) throws Exception {
        JsonNode sidecar = container(rendered, "conntrack-detector");
        Path example = all.tree().deploy().resolve("../detector-core/src/dist/examples/sidecar/conntrack-detector.sh");

        assertThat(script(rendered)).isEqualTo(Files.readString(example));
        assertThat(sidecar.at("/command/0").asString()).isEqualTo("/bin/sh");
        assertThat(sidecar.path("image").asString()).matches("docker.io/curlimages/curl:[0-9]+\\.[0-9]+\\.[0-9]+");
        // The agent stays the first container: kubectl logs and exec pick it.
        assertThat(pod(rendered).at("/containers/0/name").asString()).isEqualTo("detector");
        // mktemp needs a writable /tmp on a read-only root.
        assertThat(volume(rendered, mountAt(sidecar, "/tmp").path("name").asString()).has("emptyDir")).isTrue();
    }

    @Test
    void bothWaysAddTheSameSidecarAndOnlyItsScriptsConfigMap() {
        assertThat(container(helm, "conntrack-detector")).isEqualTo(container(kustomize, "conntrack-detector"));
        assertThat(volume(helm, "conntrack-detector").at("/configMap/defaultMode")).isEqualTo(volume(kustomize, "conntrack-detector").at("/configMap/defaultMode"));
        assertThat(volume(helm, "conntrack-tmp")).isEqualTo(volume(kustomize, "conntrack-tmp"));
        assertThat(kindsAndNames(helm)).containsExactlyInAnyOrderElementsOf(plus(kindsAndNames(all.helm()), "ConfigMap/nodemedic-conntrack-detector"));
        assertThat(kindsAndNames(kustomize)).containsExactlyInAnyOrderElementsOf(plus(kindsAndNames(kustomizeWithout()), "ConfigMap/nodemedic-conntrack-detector"));
    }

    @Test
    void theSidecarChangesNoRbac() throws Exception {
        Predicate<JsonNode> rbac = o -> Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding").contains(o.path("kind").asString());

        assertThat(kustomize.objects().stream().filter(rbac)).containsExactlyInAnyOrderElementsOf(kustomizeWithout().objects().stream().filter(rbac).toList());
        assertThat(helm.objects().stream().filter(rbac)).containsExactlyInAnyOrderElementsOf(all.helm().objects().stream().filter(rbac).toList());
        // The pod's token is the agent's: an emptyDir over its path keeps admission from mounting it into the sidecar.
        for (Manifests rendered : List.of(kustomize, helm)) {
            JsonNode tokenPath = mountAt(container(rendered, "conntrack-detector"), "/var/run/secrets/kubernetes.io/serviceaccount");
            assertThat(volume(rendered, tokenPath.path("name").asString()).has("emptyDir")).as("%s: the volume over the token's path", rendered).isTrue();
        }
    }

    @Test
    void theChartAddsNoSidecarUnlessAsked() {
        Manifests defaults = all.helm();

        assertThat(pod(defaults).path("containers").values()).extracting(c -> c.path("name").asString()).containsExactly("detector");
        assertThat(defaults.ofKind("ConfigMap")).extracting(c -> c.at("/metadata/name").asString()).doesNotContain("nodemedic-conntrack-detector");
    }

    @Test
    void aMisspeltSidecarValueIsAnError() {
        assertThatThrownBy(() -> all.chart().template(List.of(), Map.of("examples.conntrackSidecar.enable", "true")))
                .hasMessageContaining("enable").hasMessageContaining("additional properties");
        assertThatThrownBy(() -> all.chart().template(List.of(), Map.of("examples.conntrackSidecar.interval", "10s")))
                .hasMessageContaining("interval");
    }

    /**
     * The rendered script, run with sh and curl as the sidecar runs it, against the agent: the
     * condition appears on the agent while the table is nearly full, and leaves when the sidecar stops.
     */
    @Test
    void theRenderedScriptReportsToARealAgentAndUnregistersOnSigterm() throws Exception {
        Path work = Files.createTempDirectory(scratch, "sidecar");
        Path script = Files.writeString(work.resolve("conntrack-detector.sh"), script(kustomize));
        Path netfilter = Files.createDirectories(work.resolve("netfilter"));
        Files.writeString(netfilter.resolve("nf_conntrack_count"), "95\n");
        Files.writeString(netfilter.resolve("nf_conntrack_max"), "100\n");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        JsonNode sidecar = container(kustomize, "conntrack-detector");

        // Port 0 for both servers: the default 20256 would collide with an agent or NPD running on this machine.
        Path config = Files.writeString(work.resolve("nodemedic.yaml"), """
                status:
                  address: 127.0.0.1
                  port: 0
                metrics:
                  address: 127.0.0.1
                  port: 0
                """);

        try (AgentProcess agent = AgentProcess.start(all.tree(), work, List.of("--local", "--config", config.toString(), "--plugins-dir", plugins.toString()), Map.of())) {
            Map<String, String> environment = new HashMap<>();
            sidecar.path("env").values().forEach(e -> environment.put(e.path("name").asString(), e.path("value").asString()));
            // --local serves the socket under XDG_RUNTIME_DIR (AgentProcess gives it this run's folder).
            environment.put("NODEMEDIC_REPORT_SOCKET", work.resolve("nodemedic/report.sock").toString());
            environment.put("NETFILTER_DIR", netfilter.toString());
            environment.put("INTERVAL", "1");
            ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).redirectOutput(work.resolve("sidecar.log").toFile());
            builder.environment().putAll(environment);
            Process detector = builder.start();
            try {
                awaitConditions(agent, work, body -> body.contains("\"type\":\"ConntrackTableFull\",\"status\":\"True\",\"reason\":\"ConntrackTableNearlyFull\""));
            } finally {
                // SIGTERM, as the kubelet stops the container: the script unregisters.
                detector.destroy();
                assertThat(detector.waitFor(20, TimeUnit.SECONDS)).as("the script exits on SIGTERM").isTrue();
            }
            assertThat(detector.exitValue()).as(Files.readString(work.resolve("sidecar.log"))).isZero();
            awaitConditions(agent, work, body -> !body.contains("ConntrackTableFull"));
        }
    }

    private static void awaitConditions(AgentProcess agent, Path work, Predicate<String> wanted) throws Exception {
        Instant deadline = Instant.now().plus(CONDITION_BOUND);
        String body = "";
        while (Instant.now().isBefore(deadline)) {
            body = agent.get("conditions").body();
            if (wanted.test(body)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("the agent's /conditions did not become as expected within " + CONDITION_BOUND + ": " + body + "\nagent log:\n"
                + agent.log() + "\nsidecar log:\n" + Files.readString(work.resolve("sidecar.log")));
    }

    private Manifests kustomizeWithout() {
        try {
            return all.overlay("detector");
        } catch (Exception e) {
            throw new AssertionError("kustomize overlays/detector", e);
        }
    }

    private static List<String> kindsAndNames(Manifests rendered) {
        return rendered.objects().stream().map(o -> o.path("kind").asString() + "/" + o.at("/metadata/name").asString().replaceAll("-[a-z0-9]{10}$", "")).toList();
    }

    private static List<String> plus(List<String> names, String name) {
        return Stream.concat(names.stream(), Stream.of(name)).toList();
    }
}
