package dev.nodemedic.core.plugins;

import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.core.supervision.Supervisor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
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
        Watched entry = new Watched(spec, version.get(), spec.configFile().get(), Counter.builder("nodemedic_config_reload_failures")
                .description("changes of the daemon instance's config file that did not bind, so it kept its previous config")
                .tag("daemon", spec.instanceName()).register(registry));
        entry.successful = Gauge.builder("nodemedic_config_last_reload_successful", entry, w -> w.failure.isEmpty() ? 1 : 0)
                .description("1 while the daemon instance runs on what its config file holds, 0 while it keeps an older config because"
                        + " the file's new content does not bind")
                .tag("daemon", spec.instanceName()).register(registry);
        watched.put(spec.instanceName(), entry);
    }

    /** Stops following every instance of a plugin: the plugin is going away, and its refusals go with its jar. */
    void forgetPlugin(String pluginId) {
        List.copyOf(watched.values()).stream().filter(w -> w.spec.pluginId().equals(pluginId)).forEach(w -> forget(w.spec.instanceName()));
    }

    /** Looks at every followed file once and reloads the instances whose file holds new content. */
    void reloadChanged() {
        for (Watched entry : List.copyOf(watched.values())) {
            Optional<ConfigFileVersion.Stamp> stamp = stampOf(entry.file);
            boolean settled = stamp.equals(entry.lastLook);
            entry.lastLook = stamp;
            if (stamp.equals(Optional.of(entry.applied.stamp())) || entry.failure.map(f -> f.stamp().equals(stamp)).orElse(false)) {
                continue;
            }
            // As for jars: the same stamp on two looks, so a file written in place is not bound half-written.
            // (A ConfigMap update is atomic; it waits one look more for it.)
            if (settled) {
                reload(entry, stamp);
            }
        }
    }

    /** Empty when the file cannot be looked at: binding it then says why. */
    private static Optional<ConfigFileVersion.Stamp> stampOf(Path file) {
        try {
            return ConfigFileVersion.Stamp.of(file);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void reload(Watched entry, Optional<ConfigFileVersion.Stamp> stamp) {
        switch (planner.rebind(entry.spec)) {
            case InstancePlanner.Planned.Ready ready -> {
                ConfigFileVersion version = ready.configVersion().orElseThrow();
                if (version.digest().equals(entry.applied.digest())) {
                    // Touched, re-projected or put back as it was: what runs is what the file holds.
                    entry.applied = version;
                    succeeded(entry, "the file holds the config it runs on again");
                    return;
                }
                Optional<String> refused = supervisor.replace(ready.spec());
                if (refused.isPresent()) {
                    failed(entry, stamp, refused.get());
                    return;
                }
                entry.spec = ready.spec();
                entry.applied = version;
                log.info("daemon config reloaded daemon={} file={} conditions={}", entry.spec.instanceName(), entry.file,
                        entry.spec.conditions().size());
                succeeded(entry, "reloaded");
            }
            case InstancePlanner.Planned.Refused refused -> failed(entry, stamp, refused.why());
            case InstancePlanner.Planned.Disabled disabled -> throw new IllegalStateException("rebind never disables " + disabled.instanceName());
        }
    }

    private void succeeded(Watched entry, String how) {
        if (entry.failure.isPresent()) {
            entry.failure = Optional.empty();
            refusals.forget(refusalKey(entry));
            log.info("daemon config reload failure cleared daemon={} how=\"{}\"", entry.spec.instanceName(), how);
        }
    }

    private void failed(Watched entry, Optional<ConfigFileVersion.Stamp> stamp, String why) {
        boolean sameError = entry.failure.map(f -> f.why().equals(why)).orElse(false);
        entry.failure = Optional.of(new Failure(stamp, why));
        if (!sameError) {
            // Refusals logs the warning: once per distinct error, however often the file is rewritten with it.
            refusals.forget(refusalKey(entry));
            refusals.refuse(refusalKey(entry), why, clock.instant());
        }
        // Counted last: whoever sees the count (a scrape, a test) finds the refusal on the status page too.
        entry.failures.increment();
    }

    /** Stops following an instance's file: the instance stopped, or now runs without a file. */
    void forget(String instanceName) {
        Watched entry = watched.remove(instanceName);
        if (entry != null) {
            registry.remove(entry.failures);
            registry.remove(entry.successful);
            if (entry.failure.isPresent()) {
                refusals.forget(refusalKey(entry));
            }
        }
    }

    /** Listed under the config file on the status page, since that is what to fix; one entry per instance. */
    private static String refusalKey(Watched entry) {
        return entry.file + " (daemon instance " + entry.spec.instanceName() + ")";
    }

    /** @param stamp what the file resolved to when it failed (empty: it was not there); that version is not tried again */
    private record Failure(Optional<ConfigFileVersion.Stamp> stamp, String why) {
    }

    /** One instance's config file, the version it runs on and the last version that failed to bind, if the newest did. */
    private static final class Watched {
        final Path file;
        DaemonSpec spec;
        ConfigFileVersion applied;
        /** What the file resolved to at the previous look. */
        Optional<ConfigFileVersion.Stamp> lastLook;
        final Counter failures;
        Gauge successful;
        /** Read by the metrics scrape, on another thread. */
        volatile Optional<Failure> failure = Optional.empty();

        Watched(DaemonSpec spec, ConfigFileVersion applied, Path file, Counter failures) {
            this.spec = spec;
            this.applied = applied;
            this.lastLook = Optional.of(applied.stamp());
            this.file = file;
            this.failures = failures;
        }
    }
}
