package dev.nodemedic.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.TestPlugins;
import dev.nodemedic.daemon.api.DaemonApi;
import dev.nodemedic.daemon.api.ProblemDaemon;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {
    @TempDir
    Path plugins;

    private PluginHost host;

    private PluginHost host() {
        host = new PluginHost(plugins, JarTrust.ofThisProcess(JarTrust.Enforcement.REFUSE, Set.of()));
        return host;
    }

    @AfterEach
    void close() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void loadsARealDaemonJar() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, "reboot-required.jar");

        LoadOutcome outcome = host().load(jar);

        assertThat(outcome).isInstanceOf(LoadOutcome.Loaded.class);
        LoadOutcome.Loaded loaded = (LoadOutcome.Loaded) outcome;
        assertThat(loaded.pluginId()).isEqualTo("reboot-required");
        assertThat(loaded.daemons()).extracting(Class::getName).containsExactly("dev.nodemedic.daemons.rebootrequired.RebootRequiredDaemon");
        ProblemDaemon<?> daemon = (ProblemDaemon<?>) host.create(loaded.daemons().getFirst());
        assertThat(daemon.name()).isEqualTo("reboot-required");
        assertThat(daemon.getClass().getClassLoader()).as("plugin classes come from the plugin's own loader").isNotSameAs(getClass().getClassLoader());
    }

    @Test
    void refusesAJarBuiltForAnotherDaemonApi() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.WRONG_API, plugins, "gpu-health-1.4.jar");

        LoadOutcome outcome = host().load(jar);

        assertThat(outcome).isInstanceOf(LoadOutcome.Refused.class);
        assertThat(((LoadOutcome.Refused) outcome).why())
                .isEqualTo(jar + " requires daemon-api >=2.0.0 & <3.0.0, this nodemedic has " + DaemonApi.VERSION + "; the jar is skipped, the other daemons run"
                        + " — use a build of the plugin for daemon-api 1.x");
    }

    @Test
    void refusesASecondJarWithTheSamePluginId() throws Exception {
        Path first = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, "a.jar");
        Path second = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, "b.jar");
        host().load(first);

        LoadOutcome outcome = host.load(second);

        assertThat(((LoadOutcome.Refused) outcome).why()).startsWith(second + " has plugin id reboot-required, already loaded from " + first)
                .endsWith("keep one of the two in the plugins folder");
    }

    @Test
    void refusesACorruptJar() throws Exception {
        Path jar = Files.write(plugins.resolve("broken.jar"), "this is not a zip file".getBytes());

        LoadOutcome outcome = host().load(jar);

        assertThat(((LoadOutcome.Refused) outcome).why()).startsWith(jar + " is not a readable jar (").endsWith("copy it again or rebuild it");
    }

    @Test
    void refusesAJarWithoutDescriptor() throws Exception {
        Path jar = plugins.resolve("no-descriptor.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write("hello".getBytes());
        }

        LoadOutcome outcome = host().load(jar);

        assertThat(((LoadOutcome.Refused) outcome).why()).startsWith(jar + " has no usable PF4J descriptor")
                .contains("plugin.properties or a manifest with Plugin-Id");
    }

    @Test
    void unloadingReleasesThePluginsClassLoader() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.REBOOT_REQUIRED, plugins, "reboot-required.jar");
        WeakReference<ClassLoader> loader = loadAndForget(jar);

        host.unload("reboot-required");

        List<byte[]> pressure = new ArrayList<>();
        for (int i = 0; i < 50 && loader.get() != null; i++) {
            System.gc();
            pressure.add(new byte[1 << 20]);
            if (pressure.size() > 16) {
                pressure.clear();
            }
        }
        assertThat(loader.get()).as("the unloaded plugin's class loader was collected").isNull();
    }

    /** In its own frame, so no local variable of the test keeps a plugin class reachable. */
    private WeakReference<ClassLoader> loadAndForget(Path jar) {
        LoadOutcome.Loaded loaded = (LoadOutcome.Loaded) host().load(jar);
        Object daemon = host.create(loaded.daemons().getFirst());
        return new WeakReference<>(daemon.getClass().getClassLoader());
    }
}
