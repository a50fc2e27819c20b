package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin's command runs only from a jar the agent would load: the agent config's pluginDigests hold for it too. */
class PluginCommandsTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path kernelLog;

    @BeforeEach
    void installKernelLog() throws Exception {
        // kernel-log brings the 'rules' command; without arguments it prints its usage and exits 2.
        kernelLog = TestPlugins.install(TestPlugins.KERNEL_LOG, home.resolve("plugins"), "kernel-log.jar");
    }

    private int run(Map<String, String> environment, String... args) {
        return Main.execute(home, environment, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path agentConfig(Path file, String digest) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "pluginsDir: ../plugins\npluginDigests:\n  - " + digest + "\n");
    }

    @Test
    void aJarNotInTheInstallationsPluginDigestsRunsNoCommandAndTheErrorNamesItsDigestAndTheField() throws Exception {
        String digest = PluginTrustTest.sha256(kernelLog);
        Path config = agentConfig(home.resolve("config/nodemedic.yaml"), PluginTrustTest.sha256(TestPlugins.jar(TestPlugins.FAULTY)));

        assertThat(run(Map.of(), "rules")).isEqualTo(2);

        assertThat(err()).doesNotContain("usage: nodemedic rules test")
                .contains("nodemedic rules: refused " + kernelLog + " has digest " + digest + ", which is not in pluginDigests of the agent config")
                .contains("add \"" + digest + "\" to pluginDigests")
                .contains("the agent config is " + config)
                .contains("Unmatched argument at index 0: 'rules'");
    }

    @Test
    void aListedJarsCommandRuns() throws Exception {
        agentConfig(home.resolve("config/nodemedic.yaml"), PluginTrustTest.sha256(kernelLog));

        assertThat(run(Map.of(), "rules")).isEqualTo(2);

        assertThat(err()).contains("usage: nodemedic rules test").doesNotContain("refused");
    }

    @Test
    void nodemedicConfigNamesTheAgentConfigOverTheInstallations() throws Exception {
        agentConfig(home.resolve("config/nodemedic.yaml"), PluginTrustTest.sha256(kernelLog));
        Path cluster = agentConfig(home.resolve("etc/nodemedic.yaml"), PluginTrustTest.sha256(TestPlugins.jar(TestPlugins.FAULTY)));

        assertThat(run(Map.of("NODEMEDIC_CONFIG", cluster.toString()), "rules")).isEqualTo(2);

        assertThat(err()).doesNotContain("usage: nodemedic rules test").contains("not in pluginDigests").contains("the agent config is " + cluster);
    }

    @Test
    void anAgentConfigThatDoesNotLoadRunsNoPluginCommand() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Path config = Files.writeString(home.resolve("config/nodemedic.yaml"), "pluginDigests:\n  - sha256:abc\n");

        assertThat(run(Map.of(), "rules")).isEqualTo(2);

        assertThat(err()).doesNotContain("usage: nodemedic rules test").contains("nodemedic rules: " + config)
                .contains("pluginDigests[0]: \"sha256:abc\" is not a digest").contains("no plugin jar is loaded");
    }

    @Test
    void withoutADigestListTheJarsCommandRuns() throws Exception {
        assertThat(run(Map.of(), "rules")).isEqualTo(2);

        assertThat(err()).contains("usage: nodemedic rules test");
    }

    @Test
    void aDigestListOnlyInCommentsIsNone() throws Exception {
        // As the shipped config shows the field. Not bound at all: the unknown field would fail a binding.
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/nodemedic.yaml"), "# pluginDigests:\n  #   - sha256:9f2c...\nnot-a-field: 1\n");

        assertThat(run(Map.of(), "rules")).isEqualTo(2);

        assertThat(err()).contains("usage: nodemedic rules test");
    }

    @Test
    void helpListsTheRefusedJarInsteadOfItsCommands() throws Exception {
        agentConfig(home.resolve("config/nodemedic.yaml"), PluginTrustTest.sha256(TestPlugins.jar(TestPlugins.FAULTY)));

        assertThat(run(Map.of(), "help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Commands from plugins").contains("Plugins refused in " + home.resolve("plugins"))
                .contains(kernelLog + " has digest " + PluginTrustTest.sha256(kernelLog));
    }
}
