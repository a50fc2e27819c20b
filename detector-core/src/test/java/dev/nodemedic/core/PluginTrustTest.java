package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.AgentConfigLoader;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent, which runs as root in a cluster, and jars in its plugins folder that someone other than
 * root could have written: refused and listed on the status page in a cluster, while the trusted jars
 * run. The tests run as root, so they can give a jar to nobody (uid 65534) as an attacker's would be.
 */
class PluginTrustTest {
    static final int NOBODY = 65534;

    @TempDir
    Path root;

    Path plugins;
    Agent agent;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void folder() throws Exception {
        assumeThat(Files.getAttribute(root, "unix:uid")).as("these tests chown files, which needs root").isEqualTo(0);
        plugins = Files.createDirectories(root.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("config"));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    Agent start(AgentConfig config, String mode) throws Exception {
        agent = Agent.start(config, "node-a", "test", mode, Clock.systemUTC(), ClusterConnector.none());
        return agent;
    }

    AgentConfig config() {
        return new AgentConfig("node-a", plugins, root.resolve("config"), new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null, List.of(), null, new AgentConfig.ReportConfig(false, null, null, null, null, null));
    }

    String page() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.statusPort() + "/")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    Optional<DaemonStatus> daemon(String name) {
        return agent.supervisor().statuses().stream().filter(d -> d.instanceName().equals(name)).findFirst();
    }

    /** A world-writable jar of nobody's and a link to a jar outside the folder, beside a jar root wrote. */
    void untrustedJars() throws Exception {
        TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, "reboot-required.jar");
        Path evil = TestPlugins.install(TestPlugins.CUSTOM_PLUGIN, plugins, "custom-plugin.jar");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setAttribute(evil, "unix:uid", NOBODY);
        Path elsewhere = TestPlugins.install(TestPlugins.KERNEL_LOG, Files.createDirectories(root.resolve("elsewhere")), "kernel-log.jar");
        Files.createSymbolicLink(plugins.resolve("kernel-log.jar"), elsewhere);
    }

    @Test
    void inAClusterAJarOthersCouldHaveWrittenOrALinkOutOfTheFolderIsRefusedOnTheStatusPageWhileTheOthersRun() throws Exception {
        untrustedJars();

        start(config(), "cluster");

        String page = page();
        assertThat(page).contains(plugins.resolve("custom-plugin.jar").toRealPath() + " is owned by uid 65534, not by root, and a plugin runs as root"
                + " — chown root " + plugins.resolve("custom-plugin.jar").toRealPath() + "; the jar is skipped, the other daemons run");
        assertThat(page).contains(plugins.resolve("kernel-log.jar") + " is a link to " + root.resolve("elsewhere/kernel-log.jar").toRealPath()
                + ", outside the plugins folder " + plugins.toRealPath());
        assertThat(daemon("custom-plugin")).isEmpty();
        assertThat(daemon("kernel-log")).isEmpty();
        assertThat(daemon("reboot-required").orElseThrow().state()).isEqualTo(DaemonState.RUNNING);
    }

    @Test
    void aRefusedJarLoadsOnceItsModeIsFixedWithoutARestart() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, "reboot-required.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        start(config(), "cluster");
        assertThat(page()).contains("reboot-required.jar may be written by its group and everyone (mode 0666)");
        assertThat(daemon("reboot-required")).isEmpty();

        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));

        RecordingDaemonContext.awaitTrue("the jar to load once its mode is fixed", Duration.ofSeconds(10), () -> daemon("reboot-required").isPresent());
        assertThat(page()).doesNotContain("may be written by");
    }

    @Test
    void aLocalRunLoadsAJarOthersCouldHaveWrittenButNotALinkOutOfTheFolder() throws Exception {
        untrustedJars();

        start(config(), "local");

        assertThat(daemon("custom-plugin")).as("loaded, with a warning in the log").isPresent();
        assertThat(daemon("kernel-log")).isEmpty();
        assertThat(page()).contains(" is a link to ").doesNotContain("is owned by uid 65534");
    }

    @Test
    void withPluginDigestsInTheConfigOnlyListedJarsLoadAndTheRefusalGivesTheDigestToAdd() throws Exception {
        Path trusted = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, "reboot-required.jar");
        Path unlisted = TestPlugins.install(TestPlugins.CUSTOM_PLUGIN, plugins, "custom-plugin.jar");
        Path file = Files.writeString(root.resolve("nodemedic.yaml"), """
                pluginsDir: plugins
                report:
                  enabled: false
                status:
                  port: 0
                metrics:
                  port: 0
                pluginDigests:
                  - %s   # reboot-required
                """.formatted(sha256(trusted)));
        AgentConfig config = new AgentConfigLoader(new ConfigBinder()).load(Optional.of(file), root);

        start(config, "cluster");

        assertThat(daemon("reboot-required").orElseThrow().state()).isEqualTo(DaemonState.RUNNING);
        assertThat(daemon("custom-plugin")).isEmpty();
        assertThat(page()).contains(unlisted + " has digest " + sha256(unlisted) + ", which is not in pluginDigests of the agent config; the jar is"
                + " skipped, the other daemons run — if you trust this jar, add &quot;" + sha256(unlisted) + "&quot; to pluginDigests");
    }

    @Test
    void aPluginDigestThatIsNotOneIsAConfigErrorNamingLineAndField() throws Exception {
        Path file = Files.writeString(root.resolve("nodemedic.yaml"), """
                pluginDigests:
                  - sha256:abc
                """);

        assertThatThrownBy(() -> new AgentConfigLoader(new ConfigBinder()).load(Optional.of(file), root)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("pluginDigests[0]: \"sha256:abc\" is not a digest");
    }

    static String sha256(Path file) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
