package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.ActionEntry;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one policy's writes to nodes, every one in the same order: wait out the node's
 * {@link NodeRetries}; in dry-run, only say what would be done (once, not every pass); else perform the
 * action, record its outcome (metric, {@code recentActions}), keep the ledger, and back off when the
 * action or the ledger write failed. A status line says which of the two failed: an action done but not
 * recorded is not shown as a success.
 */
final class ActionExecutor {
    private static final Logger log = LoggerFactory.getLogger(ActionExecutor.class);

    private final String policy;
    private final NodeCache cache;
    private final LedgerStore ledgers;
    private final RemedyMetrics metrics;
    private final RecentActions recent;
    private final NodeRetries backoff = new NodeRetries();
    /** Dry-run: what was last reported per node, so an unchanged "would" is not reported again every pass. */
    private final Map<String, Would> lastWould = new HashMap<>();

    private record Would(String key, String message) {
    }

    ActionExecutor(String policy, NodeCache cache, LedgerStore ledgers, RemedyMetrics metrics, RecentActions recent) {
        this.policy = policy;
        this.cache = cache;
        this.ledgers = ledgers;
        this.metrics = metrics;
        this.recent = recent;
    }

    /** @return the node's status line */
    NodeEntry run(NodeWrite write, Actions acts, Instant now) {
        String node = write.node();
        Optional<Instant> waiting = backoff.waitingUntil(node, now);
        if (waiting.isPresent()) {
            return write.line(NodeState.UNHEALTHY, write.action(), waiting, "", "the last try failed; trying again at " + waiting.get());
        }
        if (acts.mode() == Mode.DRY_RUN) {
            return write.would(wouldOnce(write, acts, now), now);
        }
        ActionResult result = write.perform(acts);
        record(node, result, now);
        if (!result.done()) {
            return failed(write, result, now);
        }
        write.done(acts);
        Ledger base = cache.ledger(node).filter(l -> l.policy().equals(policy)).orElse(Ledger.empty(policy));
        Optional<String> notKept = keep(node, write.recorded(base, now), write.action());
        if (notKept.isPresent()) {
            // The node is changed and the ledger does not say so: the next try finds the action in place
            // (unchanged) and writes the ledger then.
            Instant retry = backoff.failed(node, now);
            String said = result.message() + ", but its ledger was not written (" + notKept.get() + "); "
                    + write.action() + " and the ledger are tried again at " + retry;
            return write.line(NodeState.UNHEALTHY, write.action(), Optional.of(retry), "", said);
        }
        return write.kept(result, acts, now);
    }

    /** A mode change makes every node's "would" new again. */
    void modeChanged() {
        lastWould.clear();
    }

    /** Forgets the nodes the last pass did not decide on. */
    void keepOnly(Set<String> nodes) {
        backoff.keepOnly(nodes);
        lastWould.keySet().retainAll(nodes);
    }

    /** The earliest time still to come at which a node is tried again. */
    Optional<Instant> nextRetry(Instant now) {
        return backoff.nextAfter(now);
    }

    /**
     * Writes the ledger and makes it the node's ledger at once, so the next pass sees it before the informer does.
     *
     * @return empty when written, else why not
     */
    private Optional<String> keep(String node, Ledger ledger, String action) {
        Optional<String> failure = ledgers.write(node, ledger);
        if (failure.isPresent()) {
            log.warn("ledger not written policy={} node={} action={}: {}", policy, node, action, failure.get());
            return failure;
        }
        backoff.succeeded(node);
        cache.ledgerWritten(node, ledger);
        return Optional.empty();
    }

    private String wouldOnce(NodeWrite write, Actions acts, Instant now) {
        Would last = lastWould.get(write.node());
        if (last != null && last.key().equals(write.wouldKey())) {
            return last.message();
        }
        ActionResult result = write.perform(acts);
        record(write.node(), result, now);
        lastWould.put(write.node(), new Would(write.wouldKey(), result.message()));
        return result.message();
    }

    private void record(String node, ActionResult result, Instant now) {
        metrics.action(policy, result.action().label(), result.outcome().label());
        recent.add(new ActionEntry(now.toString(), node, result.action().label(), result.outcome().label(), result.message()));
    }

    /** Not done (failed, refused): try again later, backing off, rather than every pass. */
    private NodeEntry failed(NodeWrite write, ActionResult result, Instant now) {
        Instant retry = backoff.failed(write.node(), now);
        return write.line(NodeState.UNHEALTHY, write.action(), Optional.of(retry), "", result.message());
    }
}
