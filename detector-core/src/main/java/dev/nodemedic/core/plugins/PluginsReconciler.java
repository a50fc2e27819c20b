package dev.nodemedic.core.plugins;

import dev.nodemedic.core.supervision.Supervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the running daemons match the plugins folder: a new jar is loaded and its daemons started, a
 * removed jar's daemons are stopped and their conditions withdrawn before the plugin is unloaded, a
 * changed jar is both; an instance whose config file holds new content is reloaded ({@link ConfigReloads}).
 * Runs on the supervision thread.
 */
public final class PluginsReconciler {
    private static final Logger log = LoggerFactory.getLogger(PluginsReconciler.class);

    private final PluginsFolder folder;
    private final PluginHost host;
    private final Supervisor supervisor;
    private final InstancePlanner planner;
    private final Refusals refusals;
    private final Clock clock;
    private final ConfigReloads reloads;
    private final Map<Path, String> pluginOfJar = new HashMap<>();

    public PluginsReconciler(PluginsFolder folder, PluginHost host, InstancePlanner planner, Supervisor supervisor, Refusals refusals, Clock clock,
            ConfigReloads reloads) {
        this.folder = folder;
        this.host = host;
        this.planner = planner;
        this.supervisor = supervisor;
        this.refusals = refusals;
        this.clock = clock;
        this.reloads = reloads;
    }

    /** The first look: jars already in the folder load now, without waiting a second look. */
    public void reconcileAtStart() throws IOException {
        if (!Files.isDirectory(folder.dir())) {
            log.warn("plugins folder missing dir={}; no daemon runs until it is created and jars are put in it", folder.dir());
        }
        apply(folder.lookAtStart());
    }

    public void reconcile() throws IOException {
        apply(folder.look());
        reloads.reloadChanged();
    }

    private void apply(PluginsFolder.Changes changes) {
        for (Path jar : changes.removed()) {
            unload(jar);
            refusals.forget(jar.toString());
        }
        for (Path jar : changes.changed()) {
            log.info("plugin jar changed jar={}", jar.getFileName());
            unload(jar);
            refusals.forget(jar.toString());
            load(jar);
        }
        for (Path jar : changes.added()) {
            load(jar);
        }
    }

    private void unload(Path jar) {
        String pluginId = pluginOfJar.remove(jar);
        if (pluginId != null) {
            reloads.forgetPlugin(pluginId);
            supervisor.removePlugin(pluginId);
            host.unload(pluginId);
        }
    }

    private void load(Path jar) {
        switch (host.load(jar)) {
            case LoadOutcome.Refused refused -> refusals.refuse(jar.toString(), refused.why(), clock.instant());
            case LoadOutcome.Loaded loaded -> {
                pluginOfJar.put(jar, loaded.pluginId());
                for (InstancePlanner.Planned planned : planner.plan(loaded)) {
                    switch (planned) {
                        case InstancePlanner.Planned.Ready ready -> supervisor.add(ready.spec()).ifPresentOrElse(why -> refuse(loaded, why),
                                () -> reloads.watch(ready.spec(), ready.configVersion()));
                        case InstancePlanner.Planned.Refused refused -> refuse(loaded, refused.why());
                        case InstancePlanner.Planned.Disabled disabled ->
                                log.info("daemon disabled by config daemon={} plugin={}", disabled.instanceName(), loaded.pluginId());
                    }
                }
            }
        }
    }

    private void refuse(LoadOutcome.Loaded plugin, String why) {
        refusals.refuse(plugin.jar().toString(), plugin.jar().getFileName() + ": " + why, clock.instant());
    }
}
