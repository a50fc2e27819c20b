package dev.nodemedic.core.plugins;

import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.core.supervision.Supervisor;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a daemon instance when its config file changes, as a ConfigMap update does (the kubelet
 * swaps the {@code ..data} symlink, so the path stays and its content changes). A new config that
 * binds restarts the instance with it; one that does not leaves the instance running on the config it
 * has, listed on the status page with the refusals, in {@code nodemedic_config_last_reload_successful}
 * and {@code nodemedic_config_reload_failures_total}, and logged once per failed version.
 *
 * <p>Runs on the supervision thread, on the plugins folder's look: a file is stat'ed once a look and
 * read only when what it resolves to, its size or its mtime changed and then looked the same twice.
 */
public final class ConfigReloads {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloads.class);

    private final InstancePlanner planner;
    private final Supervisor supervisor;
    private final Refusals refusals;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Watched> watched = new LinkedHashMap<>();

    public ConfigReloads(InstancePlanner planner, Supervisor supervisor, Refusals refusals, MeterRegistry registry, Clock clock) {
        this.planner = planner;
        this.supervisor = supervisor;
        this.refusals = refusals;
        this.registry = registry;
        this.clock = clock;
    }

    /** Follows a started instance's config file from the version it was bound from. Instances without a file have nothing to follow. */
    void watch(DaemonSpec spec, Optional<ConfigFileVersion> version) {
        if (spec.configFile().isEmpty() || version.isEmpty()) {
            return;
        }
        forget(spec.instanceName());
        Path file = spec.configFile().get();
        // Listed under the config file on the status page, since that is what to fix; one entry per instance.
        String refusalKey = file + " (daemon instance " + spec.instanceName() + ")";
        FollowedFile followed = new FollowedFile(file, version.get(), spec.instanceName(), refusalKey, refusals, registry, clock);
        watched.put(spec.instanceName(), new Watched(spec, followed));
    }

    /** Stops following every instance of a plugin: the plugin is going away, and its refusals go with its jar. */
    void forgetPlugin(String pluginId) {
        List.copyOf(watched.values()).stream().filter(w -> w.spec.pluginId().equals(pluginId)).forEach(w -> forget(w.spec.instanceName()));
    }

    /** Looks at every followed file once and reloads the instances whose file holds new content. */
    void reloadChanged() {
        for (Watched entry : List.copyOf(watched.values())) {
            if (entry.file.changed()) {
                reload(entry);
            }
        }
    }

    private void reload(Watched entry) {
        switch (planner.rebind(entry.spec)) {
            case InstancePlanner.Planned.Ready ready -> {
                ConfigFileVersion version = ready.configVersion().orElseThrow();
                if (version.digest().equals(entry.file.applied().digest())) {
                    // Touched, re-projected or put back as it was: what runs is what the file holds.
                    succeeded(entry, version, "the file holds the config it runs on again");
                    return;
                }
                Optional<String> refused = supervisor.replace(ready.spec());
                if (refused.isPresent()) {
                    entry.file.failed(refused.get(), refused.get());
                    return;
                }
                entry.spec = ready.spec();
                log.info("daemon config reloaded daemon={} file={} conditions={}", entry.spec.instanceName(), entry.file.file,
                        entry.spec.conditions().size());
                succeeded(entry, version, "reloaded");
            }
            case InstancePlanner.Planned.Refused refused -> entry.file.failed(refused.why(), refused.why());
            case InstancePlanner.Planned.Disabled disabled -> throw new IllegalStateException("rebind never disables " + disabled.instanceName());
        }
    }

    private static void succeeded(Watched entry, ConfigFileVersion version, String how) {
        if (entry.file.applied(version)) {
            log.info("daemon config reload failure cleared daemon={} how=\"{}\"", entry.spec.instanceName(), how);
        }
    }

    /** Stops following an instance's file: the instance stopped, or now runs without a file. */
    void forget(String instanceName) {
        Watched entry = watched.remove(instanceName);
        if (entry != null) {
            entry.file.close();
        }
    }

    /** One instance and its config file. */
    private static final class Watched {
        DaemonSpec spec;
        final FollowedFile file;

        Watched(DaemonSpec spec, FollowedFile file) {
            this.spec = spec;
            this.file = file;
        }
    }
}
