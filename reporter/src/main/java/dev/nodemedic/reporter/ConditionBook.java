package dev.nodemedic.reporter;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest truth for every declared condition type, one owner per type. Writers take a lock; readers
 * take {@link #snapshot()}, which never changes under them. Its {@link BookListener} hears every change,
 * in order, with the snapshot before and after it.
 */
public final class ConditionBook {
    /**
     * Condition types one daemon (plugin instance or remote) may own. NPD's monitors own 1 to 3; a
     * daemon with more is better split, and one declaring hundreds would fill the node's share alone.
     */
    public static final int MAX_TYPES_PER_DAEMON = 32;
    /**
     * Condition types of all daemons together on one node. Each is an entry of the Node object's
     * status (up to {@link dev.nodemedic.daemon.api.Condition#MAX_MESSAGE_BYTES} of message, its type,
     * reason, times and a managed-fields entry: about 1.5 KiB at most), which etcd stores whole (a
     * request is at most 1.5 MiB) beside kubelet's own status (images, volumes, addresses). 64 of them
     * stay under 100 KiB; the agent's built-in daemons and NPD's monitors own about 15.
     */
    public static final int MAX_TYPES_PER_NODE = 64;

    private final Object lock = new Object();
    private final BookListener listener;
    private volatile BookSnapshot snapshot = BookSnapshot.EMPTY;
    /** What a failed owner's conditions said before they went Unknown, restored when it declares again. */
    private final Map<String, Condition> beforeFailure = new HashMap<>();
    /** Conditions found on the node at start, waiting for their type to be declared. */
    private final Map<String, Condition> adoptable = new HashMap<>();
    /** Types whose daemon has spoken since it declared them: adoption never overrides a fresh observation. */
    private final Set<String> observed = new HashSet<>();

    public ConditionBook(BookListener listener) {
        this.listener = listener;
    }

    public BookSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Gives {@code owner} its condition types. A type it owned before keeps its state (so a restarted
     * daemon does not flap a real problem back to healthy); a new type starts at its healthy default.
     * Types the owner had and no longer declares are withdrawn.
     *
     * @throws ConditionClaimException if another owner holds one of the types; nothing changes then
     */
    public void declare(String owner, List<ConditionDeclaration> declarations, Instant now) throws ConditionClaimException {
        synchronized (lock) {
            Map<String, OwnedCondition> next = new HashMap<>(snapshot.conditions());
            for (ConditionDeclaration declaration : declarations) {
                OwnedCondition held = next.get(declaration.type());
                if (held != null && !held.owner().equals(owner)) {
                    throw new ConditionClaimException("condition type " + declaration.type() + " is already owned by daemon " + held.owner());
                }
            }
            if (declarations.size() > MAX_TYPES_PER_DAEMON) {
                throw ConditionClaimException.overLimit("it declares " + declarations.size() + " condition types, at most " + MAX_TYPES_PER_DAEMON
                        + " are allowed per daemon; split it into several daemons or declare fewer types");
            }
            next.values().removeIf(c -> c.owner().equals(owner) && declarations.stream().noneMatch(d -> d.type().equals(c.type())));
            long added = declarations.stream().filter(d -> !next.containsKey(d.type())).count();
            if (next.size() + added > MAX_TYPES_PER_NODE) {
                throw ConditionClaimException.overLimit("the node would carry " + (next.size() + added) + " condition types of nodemedic's daemons, at most "
                        + MAX_TYPES_PER_NODE + " are allowed per node (each is part of the Node object, which etcd stores whole); remove a daemon"
                        + " or declare fewer types");
            }
            for (ConditionDeclaration declaration : declarations) {
                OwnedCondition held = next.get(declaration.type());
                Condition condition = beforeFailure.remove(declaration.type());
                Condition found = adoptable.remove(declaration.type());
                if (condition == null) {
                    condition = held != null && held.condition().status() != ConditionStatus.UNKNOWN
                            ? held.condition()
                            : healthy(declaration, held, now);
                    if (found != null) {
                        condition = adopted(condition, found, held != null && observed.contains(declaration.type()));
                    }
                }
                next.put(declaration.type(), new OwnedCondition(owner, declaration, condition));
            }
            publish(next);
        }
    }

    /** Removes every type {@code owner} holds: its daemon was removed, so the types go from the node too. */
    public void withdraw(String owner) {
        synchronized (lock) {
            Map<String, OwnedCondition> next = new HashMap<>(snapshot.conditions());
            if (next.values().removeIf(c -> c.owner().equals(owner))) {
                beforeFailure.keySet().removeIf(type -> !next.containsKey(type));
                observed.removeIf(type -> !next.containsKey(type));
                publish(next);
            }
        }
    }

    /**
     * Sets one condition. The transition time moves only when the status changes.
     *
     * @return whether anything changed
     * @throws IllegalArgumentException if {@code owner} does not own {@code type}
     */
    public boolean set(String owner, String type, ConditionStatus status, String reason, String message, Instant now) {
        synchronized (lock) {
            OwnedCondition held = snapshot.conditions().get(type);
            if (held == null || !held.owner().equals(owner)) {
                throw new IllegalArgumentException("daemon " + owner + " set condition " + type + " but did not declare it");
            }
            observed.add(type);
            adoptable.remove(type);
            Condition old = held.condition();
            Instant transition = old.status() == status ? old.lastTransitionTime() : now;
            Condition next = new Condition(type, status, reason, message, transition);
            if (next.sameStateAs(old)) {
                return false;
            }
            Map<String, OwnedCondition> all = new HashMap<>(snapshot.conditions());
            all.put(type, new OwnedCondition(owner, held.declaration(), next));
            publish(all);
            return true;
        }
    }

    /**
     * Marks every condition of {@code owner} Unknown: it stopped watching, so nobody knows. What they
     * said before is kept and restored if the owner declares them again.
     */
    public void markUnknown(String owner, String reason, String message, Instant now) {
        synchronized (lock) {
            Map<String, OwnedCondition> next = new HashMap<>(snapshot.conditions());
            boolean changed = false;
            for (OwnedCondition held : snapshot.all()) {
                if (!held.owner().equals(owner)) {
                    continue;
                }
                Condition old = held.condition();
                if (old.status() != ConditionStatus.UNKNOWN) {
                    beforeFailure.put(held.type(), old);
                }
                Instant transition = old.status() == ConditionStatus.UNKNOWN ? old.lastTransitionTime() : now;
                Condition unknown = new Condition(held.type(), ConditionStatus.UNKNOWN, reason, message, transition);
                if (!unknown.sameStateAs(old)) {
                    next.put(held.type(), new OwnedCondition(owner, held.declaration(), unknown));
                    changed = true;
                }
            }
            if (changed) {
                publish(next);
            }
        }
    }

    /**
     * Takes over what the agent found on the node at start (our entries written during this boot), so
     * that a restart is invisible on the node:
     * <ul>
     * <li>a problem (True) survives the restart: a type whose daemon has not said anything since it
     *     declared it takes the found condition instead of its healthy default;</li>
     * <li>a condition the daemon re-derives keeps the node's {@code lastTransitionTime}: when the book
     *     holds the status the node shows, the node never saw it change, so a remedy's
     *     {@code minDuration} and every "since" on a dashboard keep counting from the node's time.
     *     Otherwise the daemon's fresh observation wins.</li>
     * </ul>
     * A type not declared yet starts from the found condition when it is. Kubelet's types never reach
     * the book (the node read leaves them out).
     */
    public void adopt(Map<String, Condition> found) {
        synchronized (lock) {
            Map<String, OwnedCondition> next = new HashMap<>(snapshot.conditions());
            boolean changed = false;
            for (Condition condition : found.values()) {
                OwnedCondition held = next.get(condition.type());
                if (held == null) {
                    adoptable.put(condition.type(), condition);
                    continue;
                }
                boolean spoken = observed.contains(condition.type());
                if (!spoken && held.condition().status() == ConditionStatus.UNKNOWN && condition.status() == ConditionStatus.TRUE) {
                    // Its daemon failed before saying anything: what it gets back when it recovers.
                    beforeFailure.put(condition.type(), condition);
                    continue;
                }
                Condition taken = adopted(held.condition(), condition, spoken);
                if (!taken.equals(held.condition())) {
                    next.put(condition.type(), new OwnedCondition(held.owner(), held.declaration(), taken));
                    changed = true;
                }
            }
            if (changed) {
                publish(next);
            }
        }
    }

    /** What a type holds once its entry on the node is known; {@code spoken}: its daemon set it since declaring it. */
    private static Condition adopted(Condition held, Condition onNode, boolean spoken) {
        if (!spoken && onNode.status() == ConditionStatus.TRUE) {
            return onNode;
        }
        if (held.status() == onNode.status() && onNode.lastTransitionTime().isBefore(held.lastTransitionTime())) {
            return new Condition(held.type(), held.status(), held.reason(), held.message(), onNode.lastTransitionTime());
        }
        return held;
    }

    private static Condition healthy(ConditionDeclaration declaration, OwnedCondition held, Instant now) {
        boolean sameStatus = held != null && held.condition().status() == ConditionStatus.FALSE;
        return new Condition(declaration.type(), ConditionStatus.FALSE, declaration.reason(), declaration.message(),
                sameStatus ? held.condition().lastTransitionTime() : now);
    }

    private void publish(Map<String, OwnedCondition> next) {
        BookSnapshot previous = snapshot;
        snapshot = previous.with(next);
        listener.conditionsChanged(previous, snapshot);
    }
}
