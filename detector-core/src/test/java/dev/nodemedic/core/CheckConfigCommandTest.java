package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config on an agent config whose daemon is in a jar the agent refuses: the refusal is what to fix, not a missing plugin. */
class CheckConfigCommandTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int checkConfig(Path agent) {
        return Main.execute(home, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), "check-config", agent.toString());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anInstanceOfAJarRefusedForItsDigestNamesTheJarAndItsRefusal() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.KERNEL_LOG, home.resolve("plugins"), "kernel-log-0.1.0.jar");
        String digest = PluginTrustTest.sha256(jar);
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                pluginDigests: [%s]
                daemons:
                  - {daemon: kernel-log, name: kernel-monitor}
                """.formatted(PluginTrustTest.sha256(TestPlugins.jar(TestPlugins.FAULTY))));

        assertThat(checkConfig(agent)).isEqualTo(1);

        assertThat(out()).contains("✗ " + agent + ": daemons: instance kernel-monitor names daemon kernel-log, which no plugin loaded from "
                        + home.resolve("plugins") + " brings; the jar named for it was refused: " + jar + " has digest " + digest
                        + ", which is not in pluginDigests of the agent config")
                .contains("fix that and the instance starts")
                .doesNotContain("add the plugin's jar");
    }

    @Test
    void aDisabledInstanceWhosePluginIsNotInstalledIsValidAsRunTakesIt() throws Exception {
        Files.createDirectories(home.resolve("plugins"));
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                daemons:
                  - {daemon: reboot-required, enabled: false}
                """);

        assertThat(checkConfig(agent)).isEqualTo(0);

        assertThat(out()).contains("✓ " + agent + ": valid agent config").doesNotContain("✗");
    }

    @Test
    void anInstanceNoLoadedPluginBringsNamesEveryRefusedJarItMayBeIn() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.WRONG_API, home.resolve("plugins"), "gpu-tools.jar");
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                daemons:
                  - {daemon: future-api}
                """);

        assertThat(checkConfig(agent)).isEqualTo(1);

        assertThat(out()).contains("✗ " + agent + ": daemons: instance future-api names daemon future-api, which no plugin loaded from "
                + home.resolve("plugins") + " brings; it may be in a jar refused there: " + jar + " requires daemon-api >=2.0.0 & <3.0.0")
                .contains("fix that refusal, else check the name or add the plugin's jar");
    }

    @Test
    void aStaleDeclarationWhoseListedEntryIsDisabledIsOnlyHeldBackAsTheAgentIsSilent() throws Exception {
        Path jar = TestPlugins.withProperties(TestPlugins.REBOOT_REQUIRED, text -> text.replace("plugin.daemons=reboot-required", "plugin.daemons=reboot-pending"),
                Files.createDirectories(home.resolve("plugins")).resolve("reboot-required.jar"));
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                onlyListedDaemons: true
                daemons:
                  - {daemon: reboot-required, enabled: false}
                """);

        assertThat(checkConfig(agent)).as(out()).isEqualTo(0);

        assertThat(out()).contains("- " + jar + " is held back by the agent, not loaded: onlyListedDaemons is set").doesNotContain("✗");
    }

    @Test
    void aJarHeldBackThatPf4jWouldRefuseIsANoteOnItsLineNotAnError() throws Exception {
        Path jar = TestPlugins.withProperties(TestPlugins.WRONG_API, text -> text + "\nplugin.daemons=future-api\n",
                Files.createDirectories(home.resolve("plugins")).resolve("gpu-tools.jar"));
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                onlyListedDaemons: true
                daemons:
                  - {daemon: reboot-required, enabled: false}
                """);

        assertThat(checkConfig(agent)).as(out()).isEqualTo(0);

        assertThat(out()).contains("- " + jar + " is held back by the agent, not loaded: onlyListedDaemons is set (as NPD's flags set it) and the agent"
                + " config names none of its daemons [future-api]; it loads when a reloaded agent config lists one; if listed it would be refused: " + jar
                + " requires daemon-api >=2.0.0 & <3.0.0").doesNotContain("✗");
    }

    @Test
    void aHeldBackJarLeavesItsPluginIdToTheJarTheAgentLoads() throws Exception {
        // Before faulty.jar in file-name order, with its plugin id: the agent never loads it, so faulty.jar is not a duplicate.
        Path heldBack = TestPlugins.withProperties(TestPlugins.KERNEL_LOG, text -> text.replaceAll("plugin.id=.*", "plugin.id=fixture-faulty"),
                Files.createDirectories(home.resolve("plugins")).resolve("a-kernel-log.jar"));
        TestPlugins.install(TestPlugins.FAULTY, home.resolve("plugins"), "faulty.jar");
        Path faultyConfig = Files.writeString(home.resolve("faulty.yaml"), "mode: healthy\n");
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                onlyListedDaemons: true
                daemons:
                  - {daemon: faulty, config: faulty.yaml}
                """);

        assertThat(checkConfig(agent)).as(out()).isEqualTo(0);

        assertThat(out()).contains("- " + heldBack + " is held back by the agent, not loaded: onlyListedDaemons is set")
                .contains("✓ " + faultyConfig + ": daemon instance faulty owns [FaultyProblem]").doesNotContain("✗");
    }

    @Test
    void aDeclarationThatDiffersFromWhatTheJarBringsButHoldsNothingBackIsWarnedAsTheAgentWarns() throws Exception {
        Path jar = TestPlugins.withProperties(TestPlugins.REBOOT_REQUIRED, text -> text.replace("plugin.daemons=reboot-required", "plugin.daemons=reboot-pending"),
                Files.createDirectories(home.resolve("plugins")).resolve("reboot-required.jar"));
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                daemons:
                  - {daemon: reboot-required}
                """);

        assertThat(checkConfig(agent)).as(out()).isEqualTo(0);

        assertThat(out()).contains("! " + jar + ": its plugin.properties declares plugin.daemons [reboot-pending] but the jar brings [reboot-required];"
                + " the agent warns and goes on with what it brings — set plugin.daemons to what the jar brings").doesNotContain("✗");
    }

    @Test
    void anInstanceNoPluginBringsNamesTheJarsHeldBackWithWhatTheyDeclare() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.KERNEL_LOG, home.resolve("plugins"), "kernel-log.jar");
        Path agent = Files.writeString(home.resolve("agent.yaml"), """
                pluginsDir: plugins
                onlyListedDaemons: true
                daemons:
                  - {daemon: gpu-health}
                """);

        assertThat(checkConfig(agent)).isEqualTo(1);

        assertThat(out()).contains("✗ " + agent + ": daemons: instance gpu-health names daemon gpu-health, which no plugin in " + home.resolve("plugins")
                + " brings; check the name, or add the plugin's jar; held back, not loaded, as their plugin.properties declare none of the listed daemons: "
                + jar + " declares plugin.daemons [kernel-log] — if one of them brings gpu-health, add it to its plugin.daemons");
    }
}
