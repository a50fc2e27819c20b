package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes as the Node and NodeRemedyLedger informers last showed them, each carrying its ledger. A
 * ledger the controller wrote stands from the moment it is written until the informer brings it back:
 * the next pass must see it (or it would apply the same step again), and an informer event older than
 * the write must not undo it. A NodeRemedyLedger that cannot be read stays unreadable (the node held)
 * until a readable one, or its deletion, comes.
 */
final class NodeCache {
    private static final Logger log = LoggerFactory.getLogger(NodeCache.class);

    private final Clock clock;
    private final RemedyMetrics metrics;
    private final Map<String, NodeSnapshot> nodes = new HashMap<>();
    /** Each node's ledger as last read from its NodeRemedyLedger (or written by the controller), times clamped to when it was read. */
    private final Map<String, Ledger> ledgerByNode = new HashMap<>();
    /** Ledgers written but not yet seen back from the informer. */
    private final Map<String, Ledger> unconfirmed = new HashMap<>();
    /** Nodes whose NodeRemedyLedger could not be read, and why; never also in {@link #ledgerByNode}. */
    private final Map<String, String> unreadable = new HashMap<>();

    NodeCache(Clock clock, RemedyMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A Node changed: its labels and conditions are taken, its ledger is the one its NodeRemedyLedger holds. */
    void nodeChanged(NodeSnapshot snapshot) {
        String why = unreadable.get(snapshot.name());
        nodes.put(snapshot.name(), why != null ? snapshot.withUnreadableLedger(why)
                : snapshot.withLedger(Optional.ofNullable(ledgerByNode.get(snapshot.name()))));
    }

    /** The Node is gone, and with it its ledger. @return whether it had one, readable or not (its NodeRemedyLedger is to be deleted) */
    boolean nodeRemoved(String name) {
        nodes.remove(name);
        unconfirmed.remove(name);
        boolean unreadableOne = unreadable.remove(name) != null;
        return ledgerByNode.remove(name) != null || unreadableOne;
    }

    /**
     * A node's NodeRemedyLedger could not be read: the node is held until it can. Its ledger is not taken as
     * absent, for that would make a node the controller cordoned (or gave up on) look untouched: it would be
     * acted on again past its budgets, and never undone. Said once per change of why, with what to do.
     */
    void ledgerUnreadable(String node, String why) {
        if (unconfirmed.containsKey(node)) {
            // An event older than our own write: ours stands until the informer brings it.
            return;
        }
        ledgerByNode.remove(node);
        if (!why.equals(unreadable.put(node, why))) {
            log.warn("ledger unreadable, node held node={} object=noderemedyledger/{}: {}; no policy takes a step on the node or undoes one "
                    + "until the ledger reads again: correct that field (kubectl edit noderemedyledger {}), or check the node's taints, "
                    + "cordon and remedy.nodemedic.dev annotations by hand and delete the ledger (kubectl delete noderemedyledger {}), "
                    + "after which the node is taken as having no remedy of ours", node, node, why, node, node);
            metrics.untrustedLedger("unreadable");
        }
        NodeSnapshot snapshot = nodes.get(node);
        if (snapshot != null) {
            nodes.put(node, snapshot.withUnreadableLedger(why));
        }
    }

    /**
     * A node's NodeRemedyLedger was read (empty: it was deleted). Times after now
     * are moved back to now: a ledger is read, not trusted, and a time in the future would hold
     * {@code minInterval} and the step's timeout until then (a leader whose clock ran ahead writes such
     * times too).
     */
    void ledgerChanged(String node, Optional<Ledger> read) {
        Instant now = clock.instant();
        Optional<Ledger> ledger = read.map(l -> {
            Ledger clamped = l.notAfter(now);
            if (!clamped.equals(l)) {
                log.warn("ledger times after now moved back to now node={} policy={} now={}", node, l.policy(), now);
                metrics.untrustedLedger("future_time");
            }
            return clamped;
        });
        Ledger expected = unconfirmed.get(node);
        if (expected != null) {
            if (!ledger.equals(Optional.of(expected))) {
                // An event older than our own write: ours stands until the informer brings it.
                return;
            }
            unconfirmed.remove(node);
        }
        if (unreadable.remove(node) != null) {
            log.info("ledger {}, node no longer held node={} object=noderemedyledger/{}", ledger.isPresent() ? "readable again" : "deleted",
                    node, node);
        }
        ledger.ifPresentOrElse(l -> ledgerByNode.put(node, l), () -> ledgerByNode.remove(node));
        withLedger(node, ledger);
    }

    /** The controller wrote the node's ledger: it is the node's ledger at once, before the informer brings it. */
    void ledgerWritten(String node, Ledger ledger) {
        unreadable.remove(node);
        unconfirmed.put(node, ledger);
        ledgerByNode.put(node, ledger);
        withLedger(node, Optional.of(ledger));
    }

    List<NodeSnapshot> snapshots() {
        return List.copyOf(nodes.values());
    }

    /** The node's ledger as the next pass sees it. */
    Optional<Ledger> ledger(String node) {
        return Optional.ofNullable(nodes.get(node)).flatMap(NodeSnapshot::ledger);
    }

    private void withLedger(String node, Optional<Ledger> ledger) {
        NodeSnapshot snapshot = nodes.get(node);
        if (snapshot != null) {
            nodes.put(node, snapshot.withLedger(ledger));
        }
    }
}
