package dev.nodemedic.core.plugins;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The jars of the plugins folder the agent leaves unloaded because the agent config would run none of
 * the daemons their plugin.properties declares ({@code onlyListedDaemons}, NPD's flags): each loaded
 * plugin costs CPU at start, on the core the node's log reader starts on. Written by the reconciler on
 * the supervision thread (the one record of what is held back: {@link MissingDaemons} and reloads read
 * it there), read by the status page as an immutable snapshot. A jar leaves once it loads or is removed.
 */
public final class HeldBackJars {
    /**
     * @param jar the jar's path, as the refusals show jars
     * @param why {@link DeclaredDaemons#whyHeldBack()}, naming the daemons it declares
     */
    public record HeldBackJar(String jar, String why) {
    }

    /** In file-name order, as jars load. Replaced, never changed: the reconciler may iterate it while releasing jars. */
    private volatile SortedMap<Path, DeclaredDaemons> byJar = Collections.emptySortedMap();
    private volatile List<HeldBackJar> snapshot = List.of();

    synchronized void hold(Path jar, DeclaredDaemons declared) {
        TreeMap<Path, DeclaredDaemons> next = new TreeMap<>(byJar);
        next.put(jar, declared);
        publish(next);
    }

    /** Forgets the jar: it loads now, or left the folder. */
    synchronized void release(Path jar) {
        if (byJar.containsKey(jar)) {
            TreeMap<Path, DeclaredDaemons> next = new TreeMap<>(byJar);
            next.remove(jar);
            publish(next);
        }
    }

    /** Each jar held back with what it declares, in file-name order; unchanged by later holds and releases. */
    SortedMap<Path, DeclaredDaemons> byJar() {
        return byJar;
    }

    /** For the status page. */
    public List<HeldBackJar> all() {
        return snapshot;
    }

    private void publish(TreeMap<Path, DeclaredDaemons> next) {
        byJar = Collections.unmodifiableSortedMap(next);
        snapshot = next.entrySet().stream().map(held -> new HeldBackJar(held.getKey().toString(), held.getValue().whyHeldBack())).toList();
    }
}
