package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ConfigMaps as the real agent reads them: the agent config and NPD-format rules each render
 * ships bind through the distribution's own loading ({@code check-config}), and an agent started on
 * them answers the probes' path on the status server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentConfigTest {
    @TempDir
    static Path scratch;

    @TempDir
    Path work;

    private DeployTree tree;
    private List<Manifests> renders;

    @BeforeAll
    void render() throws Exception {
        Renders all = Renders.fromBuild(scratch);
        tree = all.tree();
        renders = all.withDetector();
    }

    private Launcher.Result checkConfig(List<Path> agentConfigs) throws Exception {
        // The pod's plugins volume holds the image's jars; here the distribution's plugins folder does.
        List<String> args = new ArrayList<>(List.of("check-config", "--plugins-dir", tree.dist().resolve("plugins").toString()));
        agentConfigs.forEach(c -> args.add(c.toString()));
        return new Launcher(tree).run(work, args.toArray(String[]::new));
    }

    @Test
    void everyRendersAgentConfigAndNpdRulesBindAsTheAgentLoadsThem() throws Exception {
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < renders.size(); i++) {
            configs.add(AgentSettings.of(renders.get(i)).writeTo(Files.createDirectories(work.resolve("render-" + i)), text -> text));
        }

        // One check-config over every render's agent config: each leads to its daemons' configs and rules.
        Launcher.Result check = checkConfig(configs);

        assertThat(check.exit()).as(check.output()).isZero();
        for (int i = 0; i < renders.size(); i++) {
            String root = "render-" + i + "/";
            assertThat(check.output()).as(renders.get(i).source())
                    .contains(root + "rules/kernel-monitor.json: daemon instance kernel-monitor owns [KernelDeadlock, ReadonlyFilesystem, XfsShutdown]")
                    .contains(root + "config/disk-pressure.yaml: daemon instance disk-pressure owns")
                    .contains(root + "config/kubelet-health.yaml: daemon instance kubelet-health owns")
                    .contains(root + "config/nodemedic.yaml: valid agent config");
            // The certificate check is opt-in: its condition is the daemon's only where the render turned it on.
            String kubeletHealth = check.output().lines().filter(line -> line.contains(root + "config/kubelet-health.yaml: daemon instance kubelet-health owns"))
                    .findFirst().orElseThrow();
            if (Renders.optsInToKubeletCertificate(renders.get(i))) {
                assertThat(kubeletHealth).as(renders.get(i).source()).contains("KubeletCertificateExpiring");
            } else {
                assertThat(kubeletHealth).as(renders.get(i).source()).doesNotContain("KubeletCertificateExpiring");
            }
        }
    }

    @Test
    void aMistakeInTheRulesConfigMapIsCaughtWithItsFileLineAndField() throws Exception {
        Path config = AgentSettings.of(renders.getFirst()).writeTo(work, text -> text);
        Path rules = work.resolve("rules/kernel-monitor.json");
        Files.writeString(rules, Files.readString(rules).replaceFirst("\"pattern\"", "\"patern\""));

        Launcher.Result check = checkConfig(List.of(config));

        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.output()).containsPattern("rules/kernel-monitor\\.json:\\d+:\\d+: rules\\[0\\]: pattern: missing");
    }

    /** One agent: every render ships the same agent config (DriftTest), and starting one takes seconds. */
    @Test
    void anAgentOnTheShippedConfigAnswersTheProbesPathOnTheStatusServer() throws Exception {
        AgentSettings settings = AgentSettings.of(renders.getFirst());
        // Loopback and port 0 instead of 0.0.0.0 and the fixed ports: nothing else changes.
        Path config = settings.writeTo(work, text -> text.replace("address: 0.0.0.0", "address: 127.0.0.1")
                .replace("port: " + settings.statusPort(), "port: 0").replace("port: " + settings.metricsPort(), "port: 0"));

        try (AgentProcess agent = AgentProcess.start(tree, work, List.of("--local", "--config", config.toString(), "--plugins-dir",
                tree.dist().resolve("plugins").toString()), Map.of("NODE_NAME", "node-a"))) {
            assertThat(agent.get("/healthz").statusCode()).as(agent.log()).isEqualTo(200);
            assertThat(agent.get("/conditions").body()).contains("\"node\":\"node-a\"").contains("KernelDeadlock");
            assertThat(agent.scrape()).contains("nodemedic_daemon_up");
        }
    }
}
