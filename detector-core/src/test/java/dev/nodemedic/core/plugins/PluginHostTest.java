package dev.nodemedic.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.core.TestPlugins;
import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.daemon.api.DaemonApi;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    void aJarWhoseDeclaredDaemonsAreHeldBackIsNotLoaded() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.KERNEL_LOG, plugins, "kernel-log.jar");
        List<DeclaredDaemons> asked = new ArrayList<>();

        LoadOutcome outcome = host().load(jar, declared -> asked.add(declared));

        assertThat(outcome).isEqualTo(new LoadOutcome.HeldBack(jar, new DeclaredDaemons(List.of("kernel-log"))));
        assertThat(asked).containsExactly(new DeclaredDaemons(List.of("kernel-log")));
        // Had PF4J loaded it, the same plugin id would now be refused as loaded already.
        assertThat(host.load(jar)).isInstanceOf(LoadOutcome.Loaded.class);
    }

    @Test
    void aJarThatDeclaresNothingLoadsWhateverIsHeldBack() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.FAULTY, plugins, "faulty.jar");

        LoadOutcome outcome = host().load(jar, declared -> true);

        assertThat(outcome).isInstanceOfSatisfying(LoadOutcome.Loaded.class, loaded -> assertThat(loaded.declared()).isEmpty());
    }

    @Test
    void aJarIsCheckedForTrustBeforeItsDeclarationIsRead() throws Exception {
        Path jar = TestPlugins.install(TestPlugins.KERNEL_LOG, plugins, "kernel-log.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));

        LoadOutcome outcome = host().load(jar, declared -> {
            throw new AssertionError("the declaration of a jar not trusted was read: " + declared);
        });

        assertThat(outcome).isInstanceOf(LoadOutcome.Refused.class);
    }

    /**
     * Every built-in plugin's {@code plugin.daemons} is what it brings, so a daemon added, renamed or
     * removed without its declaration fails here rather than being held back on nodes. The built-ins are
     * the problem-daemons modules with a plugin.properties; each must be among this build's test jars.
     */
    @Test
    void everyBuiltInPluginDeclaresTheDaemonsItBrings() throws Exception {
        List<String> modules;
        try (var found = Files.list(Path.of("..", "problem-daemons"))) {
            modules = found.filter(module -> Files.isRegularFile(module.resolve("src/main/resources/plugin.properties")))
                    .map(module -> module.getFileName() + ".jar").sorted().toList();
        }
        assertThat(TestPlugins.BUILT_IN).as("the built-in plugins this test knows").containsExactlyInAnyOrderElementsOf(modules);
        InstancePlanner planner = new InstancePlanner(host(), new ConfigBinder(),
                new AgentConfig(null, plugins, plugins, null, null, null, null, null, null, null, null));
        for (String name : TestPlugins.BUILT_IN) {
            Path jar = TestPlugins.install(name, plugins, name);
            LoadOutcome.Loaded loaded = (LoadOutcome.Loaded) host.load(jar);
            List<String> brings = planner.make(loaded).names();

            assertThat(loaded.declared()).as(name + " " + DeclaredDaemons.KEY).hasValueSatisfying(declared ->
                    assertThat(declared.names()).containsExactlyInAnyOrderElementsOf(brings));
            assertThat(brings).as(name + " brings a daemon").isNotEmpty();
        }
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
