package dev.nodemedic.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.nodemedic.core.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which jars of the plugins folder the agent may load, on real files: owners changed with chown (the
 * tests run as root, as the agent does in a cluster), modes with chmod, real symbolic links.
 */
class JarTrustTest {
    static final int NOBODY = 65534;

    @TempDir
    Path root;

    Path plugins;
    final JarTrust cluster = JarTrust.ofThisProcess(JarTrust.Enforcement.REFUSE, Set.of());
    final JarTrust local = JarTrust.ofThisProcess(JarTrust.Enforcement.WARN, Set.of());

    @BeforeEach
    void folder() throws Exception {
        assumeThat(Files.getAttribute(root, "unix:uid")).as("these tests chown files, which needs root").isEqualTo(0);
        plugins = Files.createDirectories(root.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Path jar(String name, String mode) throws Exception {
        Path jar = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, name);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString(mode));
        return jar;
    }

    @Test
    void aRootOwnedJarWritableByItsOwnerOnlyLoads() throws Exception {
        Path jar = jar("reboot-required.jar", "rw-r--r--");

        assertThat(cluster.refusal(plugins, jar)).isEmpty();
    }

    @Test
    void aWorldWritableJarOwnedByNobodyIsRefusedInAClusterAndOnlyWarnedOfLocally() throws Exception {
        Path jar = jar("evil.jar", "rw-rw-rw-");
        Files.setAttribute(jar, "unix:uid", NOBODY);

        assertThat(cluster.refusal(plugins, jar).orElseThrow())
                .isEqualTo(jar.toRealPath() + " is owned by uid 65534, not by root, and a plugin runs as root — chown root " + jar.toRealPath()
                        + "; the jar is skipped, the other daemons run");
        assertThat(local.refusal(plugins, jar)).as("a local run loads it, and says so in its log").isEmpty();
    }

    @Test
    void aRootOwnedJarOthersMayWriteIsRefused() throws Exception {
        Path everyone = jar("everyone.jar", "rw-rw-rw-");
        Path group = jar("group.jar", "rw-rw-r--");

        assertThat(cluster.refusal(plugins, everyone).orElseThrow())
                .contains(" may be written by its group and everyone (mode 0666), and a plugin runs as root — chmod 644 " + everyone.toRealPath());
        assertThat(cluster.refusal(plugins, group).orElseThrow())
                .contains(" may be written by its group (mode 0664)");
    }

    @Test
    void aFolderOthersMayWriteRefusesEveryJarInIt() throws Exception {
        Path jar = jar("reboot-required.jar", "rw-r--r--");
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(cluster.refusal(plugins, jar).orElseThrow())
                .isEqualTo(jar.toRealPath() + ": the plugins folder " + plugins.toRealPath() + " may be written by its group and everyone (mode 0777),"
                        + " and a plugin runs as root — chmod 755 " + plugins.toRealPath() + "; the jar is skipped, the other daemons run");

        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(plugins, "unix:uid", NOBODY);
        assertThat(cluster.refusal(plugins, jar).orElseThrow()).as("a folder its owner nobody may fill")
                .contains("the plugins folder " + plugins.toRealPath() + " is owned by uid 65534, not by root");
    }

    @Test
    void aLinkToAJarOutsideTheFolderIsRefusedEvenLocallyAndOneInsideIsFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Path outside = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, elsewhere, "reboot-required.jar");
        Path link = Files.createSymbolicLink(plugins.resolve("linked.jar"), outside);

        assertThat(cluster.refusal(plugins, link).orElseThrow())
                .isEqualTo(link + " is a link to " + outside.toRealPath() + ", outside the plugins folder " + plugins.toRealPath()
                        + "; a plugin runs as root, so it must be a file of the folder; the jar is skipped, the other daemons run"
                        + " — copy the jar into the folder instead of linking to it");
        assertThat(local.refusal(plugins, link)).isPresent();

        // As a ConfigMap volume lays out its files: a link to a file in a folder of the folder.
        Path data = Files.createDirectories(plugins.resolve("..2026_12_07"));
        Path inside = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, data, "reboot-required.jar");
        Path linkInside = Files.createSymbolicLink(plugins.resolve("reboot-required.jar"), Path.of("..2026_12_07/reboot-required.jar"));
        assertThat(Files.isSymbolicLink(linkInside)).isTrue();
        assertThat(cluster.refusal(plugins, linkInside)).isEmpty();

        // The folder it sits in is held to the same rules.
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(cluster.refusal(plugins, linkInside).orElseThrow())
                .startsWith(inside.toRealPath() + ": the plugins folder " + data.toRealPath() + " (inside " + plugins.toRealPath() + ") may be written");
    }

    @Test
    void aJarOwnedByTheAgentsOwnUserLoads() throws Exception {
        Path jar = jar("mine.jar", "rw-r--r--");
        Files.setAttribute(jar, "unix:uid", 1234);
        Files.setAttribute(plugins, "unix:uid", 1234);

        assertThat(new JarTrust(JarTrust.Enforcement.REFUSE, Set.of(), OptionalInt.of(1234)).refusal(plugins, jar)).isEmpty();
        assertThat(cluster.refusal(plugins, jar).orElseThrow()).contains("is owned by uid 1234, not by root");
    }

    @Test
    void withADigestListOnlyAListedJarLoadsAndARefusalNamesTheDigestToAdd() throws Exception {
        Path jar = jar("reboot-required.jar", "rw-r--r--");
        String digest = "sha256:" + sha256sum(jar);

        JarTrust otherListed = JarTrust.ofThisProcess(JarTrust.Enforcement.WARN, Set.of("sha256:" + "0".repeat(64)));
        Optional<String> refusal = otherListed.refusal(plugins, jar);
        assertThat(refusal).as("a digest list is enforced locally too").hasValue(jar + " has digest " + digest
                + ", which is not in pluginDigests of the agent config; the jar is skipped, the other daemons run — if you trust this jar, add \""
                + digest + "\" to pluginDigests");

        assertThat(JarTrust.ofThisProcess(JarTrust.Enforcement.REFUSE, Set.of(digest)).refusal(plugins, jar)).isEmpty();
    }

    @Test
    void aListedDigestDoesNotExcuseAJarOthersMayWrite() throws Exception {
        Path jar = jar("reboot-required.jar", "rw-rw-rw-");
        String digest = "sha256:" + sha256sum(jar);

        assertThat(JarTrust.ofThisProcess(JarTrust.Enforcement.REFUSE, Set.of(digest)).refusal(plugins, jar).orElseThrow())
                .contains("(mode 0666)");
    }

    /** The operator's tool: the digest the refusal prints must be the one sha256sum prints. */
    static String sha256sum(Path file) throws Exception {
        Process process = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.substring(0, 64);
    }
}
