package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** The agent's DaemonSet as rendered by every install path: unprivileged, everywhere, bounded, probed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DetectorDaemonSetTest {
    /** CAP_SYSLOG opens /dev/kmsg (kernel.dmesg_restrict); nothing else is needed. */
    static final Set<String> CAPABILITIES = Set.of("SYSLOG");
    /**
     * Measured in cluster mode, docs/benchmarks.md ("Agent footprint, cluster mode"): RSS of the JVM and
     * the node's one journalctl summed, idle, and at the peak of a kernel log storm.
     */
    static final long MEASURED_IDLE_MIB = 119;
    static final long MEASURED_STORM_PEAK_MIB = 126;

    @TempDir
    static Path scratch;

    private List<Manifests> renders;

    @BeforeAll
    void render() throws Exception {
        renders = Renders.fromBuild(scratch).withDetector();
    }

    Stream<Manifests> detectorRenders() {
        return renders.stream();
    }

    private static JsonNode pod(Manifests rendered) {
        return rendered.one("DaemonSet", "nodemedic-detector").at("/spec/template/spec");
    }

    private static Stream<JsonNode> allContainers(JsonNode pod) {
        return Stream.concat(pod.path("initContainers").values().stream(), pod.path("containers").values().stream());
    }

    private static JsonNode agent(JsonNode pod) {
        return pod.path("containers").values().stream().filter(c -> c.path("name").asString().equals("detector")).findFirst()
                .orElseThrow(() -> new AssertionError("no container named detector"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void noContainerIsPrivilegedAndEachKeepsOnlyTheCapabilitiesItNeeds(Manifests rendered) {
        JsonNode pod = pod(rendered);

        assertThat(pod.path("hostPID").asBoolean(false)).isFalse();
        assertThat(pod.path("hostIPC").asBoolean(false)).isFalse();
        allContainers(pod).forEach(container -> {
            String name = container.path("name").asString();
            JsonNode security = container.path("securityContext");
            assertThat(security.path("privileged").asBoolean(false)).as("%s privileged", name).isFalse();
            assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as("%s allowPrivilegeEscalation", name).isFalse();
            assertThat(security.path("readOnlyRootFilesystem").asBoolean(false)).as("%s readOnlyRootFilesystem", name).isTrue();
            assertThat(security.at("/capabilities/drop").values()).as("%s drops", name).extracting(JsonNode::asString).containsExactly("ALL");
            assertThat(security.at("/capabilities/add").values()).as("%s adds", name).extracting(JsonNode::asString)
                    .isSubsetOf(name.equals("detector") ? CAPABILITIES : Set.of());
        });
    }

    /**
     * The agent runs as root and so loads only jars root owns in a folder root owns, neither writable
     * by group or others; the kubelet makes an emptyDir 0777, and a copy takes the user of its process.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void everyInitContainerFillingThePluginsFolderLeavesJarsTheAgentTrusts(Manifests rendered) {
        List<JsonNode> fillers = pod(rendered).path("initContainers").values().stream()
                .filter(c -> c.path("volumeMounts").values().stream().anyMatch(m -> m.path("name").asString().equals("plugins"))).toList();
        assertThat(fillers).as("%s: init containers filling the plugins folder", rendered).isNotEmpty();
        for (JsonNode init : fillers) {
            String name = init.path("name").asString();
            assertThat(init.at("/securityContext/runAsUser").asLong(-1)).as("%s: %s runAsUser", rendered, name).isZero();
            assertThat(init.path("command").get(init.path("command").size() - 1).asString()).as("%s: %s command", rendered, name)
                    .endsWith("; chmod 755 /var/lib/nodemedic/plugins; chmod 644 /var/lib/nodemedic/plugins/*.jar");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void theRuntimesDefaultSeccompProfileApplies(Manifests rendered) {
        JsonNode pod = pod(rendered);

        assertThat(pod.at("/securityContext/seccompProfile/type").asString()).isEqualTo("RuntimeDefault");
        allContainers(pod).forEach(c -> assertThat(c.at("/securityContext/seccompProfile/type").asString("RuntimeDefault"))
                .as("%s overrides the pod's seccomp profile", c.path("name").asString()).isEqualTo("RuntimeDefault"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void itRunsOnEveryNodeAheadOfWorkloads(Manifests rendered) {
        JsonNode pod = pod(rendered);

        assertThat(pod.path("priorityClassName").asString()).isEqualTo("system-node-critical");
        // A toleration with operator Exists and no key or effect tolerates every taint there is.
        assertThat(pod.path("tolerations").values()).anySatisfy(t -> {
            assertThat(t.path("operator").asString()).isEqualTo("Exists");
            assertThat(t.has("key")).isFalse();
            assertThat(t.has("effect")).isFalse();
        });
        assertThat(pod.has("affinity")).as("affinity").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void itSelectsOnlyNodesItsImageCanRunOn(Manifests rendered) {
        // Tolerating every taint, it would land on Windows and arm64 nodes and crash-loop there.
        assertThat(pod(rendered).path("nodeSelector").properties()).extracting(e -> e.getKey() + "=" + e.getValue().asString())
                .containsExactlyInAnyOrder("kubernetes.io/os=" + ImageBuild.PLATFORM.split("/")[0], "kubernetes.io/arch=" + ImageBuild.PLATFORM.split("/")[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void aRollingUpdateTouchesABoundedShareOfNodesAtOnce(Manifests rendered) {
        JsonNode strategy = rendered.one("DaemonSet", "nodemedic-detector").at("/spec/updateStrategy");

        assertThat(strategy.path("type").asString()).isEqualTo("RollingUpdate");
        String maxUnavailable = strategy.at("/rollingUpdate/maxUnavailable").asString();
        assertThat(maxUnavailable).as("maxUnavailable").matches("[0-9]+%");
        assertThat(Integer.parseInt(maxUnavailable.replace("%", ""))).as("maxUnavailable").isBetween(1, 25);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void everyHostPathIsMountedReadOnly(Manifests rendered) {
        JsonNode pod = pod(rendered);
        Map<String, JsonNode> volumes = pod.path("volumes").values().stream().collect(Collectors.toMap(v -> v.path("name").asString(), v -> v));

        allContainers(pod).forEach(container -> container.path("volumeMounts").values().forEach(mount -> {
            JsonNode volume = volumes.get(mount.path("name").asString());
            assertThat(volume).as("volume of mount %s", mount).isNotNull();
            if (volume.has("hostPath")) {
                assertThat(mount.path("readOnly").asBoolean(false)).as("%s mounts host %s read-only", container.path("name").asString(),
                        volume.at("/hostPath/path").asString()).isTrue();
            }
        }));
        // The agent only reads its plugins; init containers write them.
        assertThat(agent(pod).path("volumeMounts").values()).filteredOn(m -> m.path("name").asString().equals("plugins"))
                .singleElement().satisfies(m -> assertThat(m.path("readOnly").asBoolean(false)).isTrue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void theHostFilesEachBuiltInDaemonReadsAreMounted(Manifests rendered) {
        JsonNode pod = pod(rendered);
        Map<String, String> hostPathOf = pod.path("volumes").values().stream().filter(v -> v.has("hostPath"))
                .collect(Collectors.toMap(v -> v.path("name").asString(), v -> v.at("/hostPath/path").asString()));
        Map<String, String> mounted = agent(pod).path("volumeMounts").values().stream().filter(m -> hostPathOf.containsKey(m.path("name").asString()))
                .collect(Collectors.toMap(m -> hostPathOf.get(m.path("name").asString()), m -> m.path("mountPath").asString()));

        assertThat(mounted).containsEntry("/dev/kmsg", "/dev/kmsg")          // kernel-log, kmsg
                .containsEntry("/var/log", "/var/log")                         // kernel-log, syslog files and the persistent journal
                .containsEntry("/run/log/journal", "/run/log/journal")         // kernel-log, the volatile journal
                .containsEntry("/etc/machine-id", "/etc/machine-id")           // journalctl finds the journal by it
                .containsEntry("/var/lib/nodemedic", "/host/var/lib/nodemedic"); // disk-pressure, the node's /var
        assertThat(pod.path("hostNetwork").asBoolean(false)).as("hostNetwork, for the kubelet's healthz on 127.0.0.1").isTrue();
    }

    /**
     * kubelet-client-current.pem holds the kubelet's private key beside its certificate: no render mounts the
     * kubelet's folders but those that opt in to the certificate check, and they mount its pki directory alone,
     * read-only, with the check turned on in kubelet-health's config.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void onlyTheCertificateOptInMountsTheKubeletsPkiReadOnlyAndTurnsTheCheckOn(Manifests rendered) {
        JsonNode pod = pod(rendered);
        List<JsonNode> kubeletVolumes = pod.path("volumes").values().stream()
                .filter(v -> v.has("hostPath") && v.at("/hostPath/path").asString().startsWith("/var/lib/kubelet")).toList();
        String kubeletHealth = rendered.configMap("nodemedic-config").at("/data/kubelet-health.yaml").asString();

        if (!Renders.optsInToKubeletCertificate(rendered)) {
            assertThat(kubeletVolumes).as("%s: host paths under /var/lib/kubelet", rendered).isEmpty();
            assertThat(allContainers(pod).flatMap(c -> c.path("volumeMounts").values().stream()).map(m -> m.path("mountPath").asString()))
                    .as("%s: mounts", rendered).noneMatch(path -> path.startsWith("/var/lib/kubelet"));
            assertThat(Manifests.parseYaml(kubeletHealth).has("clientCertificate")).as("%s: kubelet-health.yaml sets clientCertificate", rendered).isFalse();
            return;
        }
        assertThat(kubeletVolumes).as("%s: host paths under /var/lib/kubelet", rendered).singleElement()
                .satisfies(v -> assertThat(v.at("/hostPath/path").asString()).isEqualTo("/var/lib/kubelet/pki"));
        String volume = kubeletVolumes.getFirst().path("name").asString();
        assertThat(allContainers(pod).flatMap(c -> c.path("volumeMounts").values().stream().map(m -> c.path("name").asString() + " " + m)))
                .as("%s: only the agent mounts the pki", rendered).filteredOn(m -> m.contains("\"" + volume + "\"")).singleElement()
                .satisfies(m -> assertThat(m).startsWith("detector "));
        assertThat(agent(pod).path("volumeMounts").values()).filteredOn(m -> m.path("name").asString().equals(volume)).singleElement().satisfies(m -> {
            assertThat(m.path("mountPath").asString()).isEqualTo("/var/lib/kubelet/pki");
            assertThat(m.path("readOnly").asBoolean(false)).as("read-only").isTrue();
        });
        assertThat(Manifests.parseYaml(kubeletHealth).path("clientCertificate").asString()).as("%s: kubelet-health.yaml", rendered)
                .isEqualTo("/var/lib/kubelet/pki/kubelet-client-current.pem");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void theNodeNameComesFromTheDownwardApi(Manifests rendered) {
        assertThat(agent(pod(rendered)).path("env").values()).filteredOn(e -> e.path("name").asString().equals("NODE_NAME"))
                .singleElement().satisfies(e -> assertThat(e.at("/valueFrom/fieldRef/fieldPath").asString()).isEqualTo("spec.nodeName"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void requestsAndLimitsCoverTheMeasuredFootprint(Manifests rendered) {
        JsonNode resources = agent(pod(rendered)).path("resources");

        long requested = Quantity.mebibytes(resources.at("/requests/memory").asString());
        long limit = Quantity.mebibytes(resources.at("/limits/memory").asString());
        // From above too: every node pays the request, so one far over what the pod holds is a sizing error as well.
        assertThat(requested).as("memory request, MiB: the idle pod and 10 to 30 %")
                .isBetween(MEASURED_IDLE_MIB * 11 / 10, MEASURED_IDLE_MIB * 13 / 10);
        assertThat(limit).as("memory limit, MiB: a storm's peak and 50 % to 150 %")
                .isBetween(MEASURED_STORM_PEAK_MIB * 3 / 2, MEASURED_STORM_PEAK_MIB * 5 / 2);
        assertThat(resources.at("/requests/cpu").asString()).as("cpu request").isNotEmpty();
        allContainers(pod(rendered)).forEach(c -> assertThat(c.at("/resources/limits/memory").asString()).as("%s memory limit", c.path("name").asString())
                .isNotEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void bothProbesAskTheStatusServersHealthzOnItsConfiguredPort(Manifests rendered) {
        JsonNode agent = agent(pod(rendered));
        AgentSettings settings = AgentSettings.of(rendered);

        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            JsonNode get = agent.at("/" + probe + "/httpGet");
            assertThat(get.path("path").asString()).as(probe).isEqualTo("/healthz");
            assertThat(containerPort(agent, get.path("port"))).as(probe + " port").isEqualTo(settings.statusPort());
        }
        assertThat(agent.path("ports").values()).filteredOn(p -> p.path("name").asString().equals("metrics")).singleElement()
                .satisfies(p -> assertThat(p.path("containerPort").asInt()).isEqualTo(settings.metricsPort()));
    }

    /**
     * On the host network every address the agent listens on is the node's: the status page only on the
     * node's loopback (the kubelet's probes ask 127.0.0.1 there), /metrics only on the node's own IP
     * (the pod IP, from the downward API), never 0.0.0.0 (issue 20: a flood on either port took the agent down).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("detectorRenders")
    void onTheHostNetworkTheStatusServerIsOnLoopbackAndMetricsOnlyOnTheNodesIp(Manifests rendered) {
        JsonNode agent = agent(pod(rendered));
        List<String> args = agent.path("args").values().stream().map(JsonNode::asString).toList();

        assertThat(args).contains("--status-address=127.0.0.1", "--metrics-address=$(POD_IP)");
        assertThat(agent.path("env").values()).filteredOn(e -> e.path("name").asString().equals("POD_IP")).singleElement()
                .satisfies(e -> assertThat(e.at("/valueFrom/fieldRef/fieldPath").asString()).isEqualTo("status.podIP"));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            assertThat(agent.at("/" + probe + "/httpGet/host").asString()).as(probe + " host").isEqualTo("127.0.0.1");
        }
        assertThat(AgentSettings.of(rendered).agentConfig().toString()).as("the config's addresses, which the flags replace")
                .doesNotContain("0.0.0.0");
    }

    /** A probe's port, by number or by the name of a container port. */
    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isNumber()) {
            return port.asInt();
        }
        return container.path("ports").values().stream().filter(p -> p.path("name").asString().equals(port.asString())).findFirst()
                .map(p -> p.path("containerPort").asInt()).orElseThrow(() -> new AssertionError("no container port named " + port.asString()));
    }
}
