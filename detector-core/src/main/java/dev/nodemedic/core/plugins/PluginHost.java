package dev.nodemedic.core.plugins;

import dev.nodemedic.daemon.api.DaemonApi;
import dev.nodemedic.daemon.api.DaemonCommand;
import dev.nodemedic.daemon.api.ProblemDaemon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.zip.ZipFile;
import org.pf4j.CompoundPluginDescriptorFinder;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PropertiesPluginDescriptorFinder;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and unloads daemon plugin jars one at a time with PF4J. Every jar is checked before PF4J
 * sees it, so a refusal carries our own message instead of PF4J's quiet DISABLED state. The first
 * check is {@link JarTrust}: nothing of a jar that is not trusted is read, not even its descriptor.
 */
public final class PluginHost implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);
    private final PluginManager manager;
    private final Path pluginsDir;
    private final JarTrust trust;
    /** The same finders, in the same order, as PF4J's DefaultPluginManager uses when it loads the jar. */
    private final PluginDescriptorFinder descriptors = new CompoundPluginDescriptorFinder()
            .add(new PropertiesPluginDescriptorFinder())
            .add(new ManifestPluginDescriptorFinder());

    public PluginHost(Path pluginsDir, JarTrust trust) {
        this.pluginsDir = pluginsDir;
        this.trust = trust;
        this.manager = new DefaultPluginManager(pluginsDir);
        // Without this PF4J's system version is 0.0.0 and every Plugin-Requires passes.
        manager.setSystemVersion(DaemonApi.VERSION);
    }

    /** Loads the jar whatever it declares: commands and {@code check-config} look at every jar. */
    public LoadOutcome load(Path jar) {
        return load(jar, declared -> false);
    }

    /**
     * Loads the jar unless {@code holdsBack} says the daemons its plugin.properties declares would not
     * run: then only that entry is read, after the trust check, and the outcome is {@link LoadOutcome.HeldBack}.
     */
    public LoadOutcome load(Path jar, Predicate<DeclaredDaemons> holdsBack) {
        Optional<String> untrusted = trust.refusal(pluginsDir, jar);
        if (untrusted.isPresent()) {
            return new LoadOutcome.Refused(jar, untrusted.get());
        }
        Optional<DeclaredDaemons> declared;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.size() == 0) {
                return unreadable(jar, "it is empty");
            }
            declared = DeclaredDaemons.in(zip);
        } catch (IOException e) {
            return unreadable(jar, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (declared.isPresent() && holdsBack.test(declared.get())) {
            return new LoadOutcome.HeldBack(jar, declared.get());
        }
        PluginDescriptor descriptor;
        try {
            descriptor = descriptors.find(jar);
        } catch (PluginRuntimeException e) {
            return new LoadOutcome.Refused(jar, jar + " has no usable PF4J descriptor (" + e.getMessage()
                    + "); a daemon jar needs plugin.properties or a manifest with Plugin-Id, Plugin-Version and Plugin-Requires; the jar is skipped, the other daemons run");
        }
        String requires = descriptor.getRequires();
        if (requires == null || requires.isBlank() || "*".equals(requires.strip())) {
            return new LoadOutcome.Refused(jar, jar + " does not say which daemon-api it was built for (Plugin-Requires is empty); set it to a range such as \">="
                    + DaemonApi.VERSION + " & <" + (major(DaemonApi.VERSION) + 1) + ".0.0\"; the jar is skipped, the other daemons run");
        }
        if (!manager.getVersionManager().checkVersionConstraint(DaemonApi.VERSION, requires)) {
            return new LoadOutcome.Refused(jar, jar + " requires daemon-api " + requires + ", this nodemedic has " + DaemonApi.VERSION
                    + "; the jar is skipped, the other daemons run — use a build of the plugin for daemon-api " + major(DaemonApi.VERSION) + ".x");
        }
        PluginWrapper existing = manager.getPlugin(descriptor.getPluginId());
        if (existing != null) {
            return new LoadOutcome.Refused(jar, jar + " has plugin id " + descriptor.getPluginId() + ", already loaded from " + existing.getPluginPath()
                    + "; the jar is skipped, the other daemons run — keep one of the two in the plugins folder");
        }
        String pluginId;
        try {
            pluginId = manager.loadPlugin(jar);
            manager.startPlugin(pluginId);
        } catch (RuntimeException e) {
            return new LoadOutcome.Refused(jar, jar + " could not be loaded (" + e.getMessage() + "); the jar is skipped, the other daemons run");
        }
        List<Class<?>> daemons = List.copyOf(manager.getExtensionClasses(ProblemDaemon.class, pluginId));
        List<Class<?>> commands = List.copyOf(manager.getExtensionClasses(DaemonCommand.class, pluginId));
        if (daemons.isEmpty() && commands.isEmpty()) {
            unload(pluginId);
            return new LoadOutcome.Refused(jar, jar + " has no @Extension implementing ProblemDaemon or DaemonCommand (its META-INF/extensions.idx is missing or empty: "
                    + "was pf4j's annotation processor run?); the jar is skipped, the other daemons run");
        }
        log.info("plugin loaded plugin={} version={} jar={} daemons={} commands={}", pluginId, descriptor.getVersion(), jar.getFileName(),
                daemons.size(), commands.size());
        return new LoadOutcome.Loaded(jar, pluginId, descriptor.getVersion(), daemons, commands, declared);
    }

    /** Stops and unloads a plugin and closes its class loader. Nothing of ours may keep its classes afterwards. */
    public void unload(String pluginId) {
        if (manager.getPlugin(pluginId) == null) {
            return;
        }
        // One plugin at a time: pf4j 3.15's stopPlugins() can throw ConcurrentModificationException.
        manager.stopPlugin(pluginId);
        if (!manager.unloadPlugin(pluginId)) {
            log.warn("plugin not unloaded plugin={}; its classes stay in memory until the agent restarts", pluginId);
        } else {
            log.info("plugin unloaded plugin={}", pluginId);
        }
    }

    /** A new object of an extension class, made by PF4J's factory (a public no-argument constructor). */
    public <T> T create(Class<T> extensionClass) {
        @SuppressWarnings("unchecked")
        T created = (T) manager.getExtensionFactory().create(extensionClass);
        return created;
    }

    public Path pluginsDir() {
        return pluginsDir;
    }

    @Override
    public void close() {
        List<PluginWrapper> loaded = List.copyOf(manager.getPlugins());
        for (int i = loaded.size() - 1; i >= 0; i--) {
            unload(loaded.get(i).getPluginId());
        }
    }

    private static LoadOutcome.Refused unreadable(Path jar, String why) {
        return new LoadOutcome.Refused(jar, jar + " is not a readable jar (" + why + "); the jar is skipped, the other daemons run — copy it again or rebuild it");
    }

    private static int major(String version) {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }
}
