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
 * the write must not undo it.
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

    NodeCache(Clock clock, RemedyMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A Node changed: its labels and conditions are taken, its ledger is the one its NodeRemedyLedger holds. */
    void nodeChanged(NodeSnapshot snapshot) {
        nodes.put(snapshot.name(), snapshot.withLedger(Optional.ofNullable(ledgerByNode.get(snapshot.name()))));
    }

    /** The Node is gone, and with it its ledger. @return whether it had one (its NodeRemedyLedger is to be deleted) */
    boolean nodeRemoved(String name) {
        nodes.remove(name);
        unconfirmed.remove(name);
        return ledgerByNode.remove(name) != null;
    }

    /**
     * A node's NodeRemedyLedger was read (empty: it was deleted, or could not be read). Times after now
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
        ledger.ifPresentOrElse(l -> ledgerByNode.put(node, l), () -> ledgerByNode.remove(node));
        withLedger(node, ledger);
    }

    /** The controller wrote the node's ledger: it is the node's ledger at once, before the informer brings it. */
    void ledgerWritten(String node, Ledger ledger) {
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
