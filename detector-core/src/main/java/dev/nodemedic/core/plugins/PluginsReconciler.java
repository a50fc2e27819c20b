package dev.nodemedic.core.plugins;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.core.supervision.Supervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private final MissingDaemons missing;
    private final Map<Path, LoadOutcome.Loaded> pluginOfJar = new LinkedHashMap<>();
    /** The daemons each loaded jar brings, by name. */
    private final Map<Path, List<String>> daemonsOfJar = new HashMap<>();
    /** The jars refused, with why: a daemon the agent config lists may be in one. */
    private final Map<Path, String> refusedJars = new HashMap<>();
    /** The jars not loaded because the agent config would run none of their daemons: a reload of the agent config that lists one loads it then. */
    private final HeldBackJars heldBack;

    public PluginsReconciler(PluginsFolder folder, PluginHost host, InstancePlanner planner, Supervisor supervisor, Refusals refusals,
            HeldBackJars heldBack, Clock clock, ConfigReloads reloads, MissingDaemons missing) {
        this.folder = folder;
        this.heldBack = heldBack;
        this.missing = missing;
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
        // Even with no jar at all: every listed instance is then missing.
        listMissing();
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
            load(jar).map(planner::make).ifPresent(this::startInstances);
        }
        // A jar that brings a daemon the agent config lists starts its instances at once, the others
        // once every new jar is loaded: a node's log readers are listed (by NPD's flags, by our
        // DaemonSet's config), and their first line need not wait for the other plugins' daemons
        // (docs/benchmarks.md, "Where the start goes"). The same work, in another order.
        List<InstancePlanner.Made> unlisted = new ArrayList<>();
        for (Path jar : changes.added()) {
            load(jar).map(planner::make).ifPresent(made -> {
                if (planner.listsADaemonOf(made)) {
                    startInstances(made);
                } else {
                    unlisted.add(made);
                }
            });
        }
        unlisted.forEach(this::startInstances);
        if (!changes.isEmpty()) {
            listMissing();
        }
    }

    /** The agent config's entries whose daemon no loaded jar brings: the folder or the list changed. */
    private void listMissing() {
        Set<String> brought = new HashSet<>();
        daemonsOfJar.values().forEach(brought::addAll);
        missing.update(planner.listed(), brought, refusedJars, heldBack.byJar(), folder.dir());
    }

    private void unload(Path jar) {
        daemonsOfJar.remove(jar);
        refusedJars.remove(jar);
        heldBack.release(jar);
        LoadOutcome.Loaded loaded = pluginOfJar.remove(jar);
        if (loaded != null) {
            String pluginId = loaded.pluginId();
            reloads.forgetPlugin(pluginId);
            supervisor.removePlugin(pluginId);
            host.unload(pluginId);
        }
    }

    private Optional<LoadOutcome.Loaded> load(Path jar) {
        return switch (host.load(jar, planner::holdsBack)) {
            case LoadOutcome.Refused refused -> {
                refusals.refuse(jar.toString(), refused.why(), clock.instant());
                refusedJars.put(jar, refused.why());
                yield Optional.empty();
            }
            case LoadOutcome.HeldBack held -> {
                // Once per jar held: a reload that keeps holding it back says nothing more.
                heldBack.hold(jar, held.declared());
                log.info("plugin jar held back, not loaded jar={} why=\"{}\"", jar.getFileName(), held.declared().whyHeldBack());
                yield Optional.empty();
            }
            case LoadOutcome.Loaded loaded -> {
                pluginOfJar.put(jar, loaded);
                yield Optional.of(loaded);
            }
        };
    }

    private void startInstances(InstancePlanner.Made made) {
        LoadOutcome.Loaded loaded = made.plugin();
        List<String> brings = made.names();
        daemonsOfJar.put(loaded.jar(), brings);
        loaded.declared().filter(declared -> declared.differsFrom(brings)).ifPresent(declared ->
                // A stale declaration holds the jar back when it should load, or loads it for nothing: say so, and trust the classes.
                log.warn("plugin declares other daemons than it brings jar={} key={} declared={} brings={}; the agent goes on with what it brings"
                        + " — set {} in the jar's plugin.properties to what it brings", loaded.jar().getFileName(), DeclaredDaemons.KEY,
                        declared.names(), brings, DeclaredDaemons.KEY));
        for (InstancePlanner.Planned planned : planner.plan(made)) {
            switch (planned) {
                case InstancePlanner.Planned.Ready ready -> start(loaded, ready);
                case InstancePlanner.Planned.Refused refused -> refuse(loaded, refused.why());
                case InstancePlanner.Planned.Disabled disabled ->
                        log.info("daemon disabled by config daemon={} plugin={}", disabled.instanceName(), loaded.pluginId());
            }
        }
    }

    /**
     * Makes the running instances match a reloaded agent config: every loaded plugin is planned again and
     * only the difference is applied. An instance no longer planned stops and its conditions leave the
     * node; one whose config file (or enablement) changed is replaced, keeping the conditions whose types
     * remain; a new one starts. Removals go first, so a condition type may move from one instance to
     * another in one reload. An instance whose new plan is refused keeps running as it was. A jar held back
     * that the new config would use (it lists one of its daemons, or runs every daemon) loads last.
     */
    void replan(AgentConfig next) {
        planner.use(next);
        List<Runnable> replacements = new ArrayList<>();
        List<Runnable> additions = new ArrayList<>();
        for (LoadOutcome.Loaded loaded : pluginOfJar.values()) {
            refusals.forget(loaded.jar().toString());
            Map<String, DaemonSpec> running = new LinkedHashMap<>();
            supervisor.specsOf(loaded.pluginId()).forEach(spec -> running.put(spec.instanceName(), spec));
            for (InstancePlanner.Planned planned : planner.plan(loaded)) {
                switch (planned) {
                    case InstancePlanner.Planned.Ready ready -> {
                        DaemonSpec was = running.remove(ready.spec().instanceName());
                        if (was == null) {
                            additions.add(() -> start(loaded, ready));
                        } else if (!was.configFile().equals(ready.spec().configFile())) {
                            replacements.add(() -> replace(loaded, ready));
                        }
                    }
                    case InstancePlanner.Planned.Refused refused -> {
                        // Running already: its new entry is refused, but what it runs on now still holds.
                        boolean keeps = running.remove(refused.instanceName()) != null;
                        refuse(loaded, keeps ? "the agent config's new entry for daemon instance " + refused.instanceName()
                                + " is refused, so it keeps running as it was: " + refused.why() : refused.why());
                    }
                    case InstancePlanner.Planned.Disabled disabled ->
                            log.info("daemon disabled by config daemon={} plugin={}", disabled.instanceName(), loaded.pluginId());
                }
            }
            for (String gone : running.keySet()) {
                reloads.forget(gone);
                supervisor.remove(gone, "the agent config no longer runs it");
            }
        }
        replacements.forEach(Runnable::run);
        additions.forEach(Runnable::run);
        List<Path> released = heldBack.byJar().entrySet().stream().filter(held -> !planner.holdsBack(held.getValue())).map(Map.Entry::getKey).toList();
        for (Path jar : released) {
            heldBack.release(jar);
            log.info("plugin jar no longer held back, loading it jar={}", jar.getFileName());
            load(jar).map(planner::make).ifPresent(this::startInstances);
        }
        listMissing();
    }

    private void start(LoadOutcome.Loaded loaded, InstancePlanner.Planned.Ready ready) {
        supervisor.add(ready.spec()).ifPresentOrElse(why -> refuse(loaded, why), () -> reloads.watch(ready.spec(), ready.configVersion()));
    }

    private void replace(LoadOutcome.Loaded loaded, InstancePlanner.Planned.Ready ready) {
        supervisor.replace(ready.spec()).ifPresentOrElse(why -> refuse(loaded, why), () -> {
            reloads.forget(ready.spec().instanceName());
            reloads.watch(ready.spec(), ready.configVersion());
            log.info("daemon config file changed by the agent config daemon={} file={}", ready.spec().instanceName(),
                    ready.spec().configFile().map(Path::toString).orElse("none"));
        });
    }

    private void refuse(LoadOutcome.Loaded plugin, String why) {
        refusals.refuse(plugin.jar().toString(), plugin.jar().getFileName() + ": " + why, clock.instant());
    }
}
