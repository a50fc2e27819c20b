package dev.nodemedic.core.plugins;

import dev.nodemedic.core.config.DaemonInstanceConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The agent config's {@code daemons} entries whose daemon no loaded plugin brings. Such an instance
 * never runs, and with {@code onlyListedDaemons} (NPD's flags) that may be every instance: a node with
 * nothing checked, which reads as healthy. {@code check-config} fails on them; a running agent lists
 * each enabled one with the refusals (a WARN line, the status page) and as
 * {@code nodemedic_daemon_missing{daemon}} 1 until a plugin brings it. Its conditions cannot be set
 * {@code Unknown}: which types a daemon owns only its plugin says.
 *
 * <p>When a jar of the plugins folder was refused, the message names it and why: the daemon may be in
 * it, and installing the plugin again would not help. Used on the supervision thread.
 */
public final class MissingDaemons {
    /** The Refusals key of an entry: one per instance, apart from the jars' keys (paths). */
    private static final String KEY = "daemons: ";
    private final Refusals refusals;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Listed> missing = new HashMap<>();

    private record Listed(String why, Gauge gauge) {
    }

    public MissingDaemons(Refusals refusals, MeterRegistry registry, Clock clock) {
        this.refusals = refusals;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Why {@code entry} does not run, its daemon being brought by no plugin loaded from {@code pluginsDir}.
     *
     * @param refusedJars the jars of the folder refused, with why
     * @param heldBack the jars not loaded because they declare no daemon the agent config lists, with what they declare
     */
    public static String why(DaemonInstanceConfig entry, Map<Path, String> refusedJars, Map<Path, DeclaredDaemons> heldBack, Path pluginsDir) {
        return refusedFor(entry, refusedJars, pluginsDir) + heldBackFor(entry.daemon(), heldBack);
    }

    private static String refusedFor(DaemonInstanceConfig entry, Map<Path, String> refusedJars, Path pluginsDir) {
        String head = "daemons: instance " + entry.instanceName() + " names daemon " + entry.daemon() + ", which no plugin ";
        if (refusedJars.isEmpty()) {
            return head + "in " + pluginsDir + " brings; check the name, or add the plugin's jar";
        }
        Map<Path, String> byName = refusedJars.entrySet().stream().filter(jar -> namedFor(jar.getKey(), entry.daemon()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (!byName.isEmpty()) {
            return head + "loaded from " + pluginsDir + " brings; the jar named for it was refused: "
                    + byName.values().stream().sorted().collect(Collectors.joining("; ")) + " — fix that and the instance starts";
        }
        return head + "loaded from " + pluginsDir + " brings; it may be in a jar refused there: "
                + refusedJars.values().stream().sorted().collect(Collectors.joining("; "))
                + " — fix that refusal, else check the name or add the plugin's jar";
    }

    /**
     * Lists the enabled entries no loaded plugin brings and forgets those that now run (or left the list).
     *
     * @param brought the names of the daemons the loaded plugins bring
     * @param heldBack the jars not loaded because they declare no daemon the agent config lists
     */
    void update(List<DaemonInstanceConfig> listed, Set<String> brought, Map<Path, String> refusedJars, Map<Path, DeclaredDaemons> heldBack, Path pluginsDir) {
        Map<String, String> now = new HashMap<>();
        for (DaemonInstanceConfig entry : listed) {
            // A disabled entry runs nothing whatever the folder holds (the shipped config disables one whose jar is not installed).
            if (entry.enabled() && !brought.contains(entry.daemon())) {
                now.put(entry.instanceName(), why(entry, refusedJars, heldBack, pluginsDir)
                        + "; it does not run, the other daemons do");
            }
        }
        for (String gone : Set.copyOf(missing.keySet())) {
            if (!now.containsKey(gone)) {
                registry.remove(missing.remove(gone).gauge());
                refusals.forget(KEY + gone);
            }
        }
        now.forEach((instance, why) -> {
            Listed was = missing.get(instance);
            if (was != null && was.why().equals(why)) {
                return;
            }
            // Refusals logs the WARN: once per entry and message, not at every look.
            refusals.forget(KEY + instance);
            refusals.refuse(KEY + instance, why, clock.instant());
            Gauge gauge = was != null ? was.gauge() : Gauge.builder("nodemedic_daemon_missing", () -> 1)
                    .description("1 for an instance the agent config's daemons list enables whose daemon no loaded plugin brings: it does not run")
                    .tag("daemon", instance).register(registry);
            missing.put(instance, new Listed(why, gauge));
        });
    }

    /**
     * A jar held back is one whose declaration names no listed daemon, so it cannot be the one that brings
     * it, unless its declaration is stale: then the jar named for the daemon is worth a word. When none is
     * named for it, the stale declaration may be in any of them (a third-party {@code acme.jar}): each is
     * named with what it declares.
     */
    private static String heldBackFor(String daemon, Map<Path, DeclaredDaemons> heldBack) {
        Optional<Map.Entry<Path, DeclaredDaemons>> named = heldBack.entrySet().stream().filter(jar -> namedFor(jar.getKey(), daemon)).findFirst();
        if (named.isPresent()) {
            return "; " + named.get().getKey() + " is held back, not loaded: its plugin.properties declares " + DeclaredDaemons.KEY + " "
                    + named.get().getValue().names() + ", without " + daemon + " — if the jar brings " + daemon + ", add it there";
        }
        if (heldBack.isEmpty()) {
            return "";
        }
        return "; held back, not loaded, as their plugin.properties declare none of the listed daemons: "
                + heldBack.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(jar -> jar.getKey() + " declares " + DeclaredDaemons.KEY + " " + jar.getValue().names()).collect(Collectors.joining(", "))
                + " — if one of them brings " + daemon + ", add it to its " + DeclaredDaemons.KEY;
    }

    /** Whether the jar's file name is the daemon's, as the built-in jars' are ({@code kernel-log-0.1.0.jar}, {@code kernel-log.jar}). */
    private static boolean namedFor(Path jar, String daemon) {
        String name = jar.getFileName().toString();
        return name.equals(daemon + ".jar")
                || name.startsWith(daemon + "-") && name.length() > daemon.length() + 1 && Character.isDigit(name.charAt(daemon.length() + 1));
    }
}
