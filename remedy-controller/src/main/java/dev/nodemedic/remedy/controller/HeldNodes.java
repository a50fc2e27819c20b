package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.DrainRound;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.engine.Blocked;
import dev.nodemedic.remedy.engine.Blocker;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.RemedyAction;
import dev.nodemedic.remedy.event.RemedyReason;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes one policy's engine holds this pass: each one's status line, the Events that say why
 * (once per change of gate, and once per spell a person holds the node, not every pass), and the next
 * drain round of a node whose ladder is on a drain step.
 */
final class HeldNodes {
    private static final Logger log = LoggerFactory.getLogger(HeldNodes.class);

    private final RemedyMetrics metrics;
    private final NodeCache cache;
    private final DrainRounds drains;
    private final Map<String, Blocker> lastBlocked = new HashMap<>();
    /** Nodes a person holds, already said in an Event: said once per spell, not every pass. */
    private final Set<String> saidHeldByPerson = new HashSet<>();
    private final Set<String> heldByPerson = new HashSet<>();
    private final Map<Blocker, Integer> blocked = new EnumMap<>(Blocker.class);

    HeldNodes(RemedyMetrics metrics, NodeCache cache, DrainRounds drains) {
        this.metrics = metrics;
        this.cache = cache;
        this.drains = drains;
    }

    void startPass() {
        heldByPerson.clear();
        blocked.clear();
    }

    /** @return the node's status line */
    NodeEntry report(NodeDecision.Hold hold, Policy policy, Actions acts, Instant now) {
        if (hold.state() == NodeState.HELD_BY_PERSON) {
            heldByPerson.add(hold.node());
            if (saidHeldByPerson.add(hold.node())) {
                acts.events().record(hold.node(), RemedyReason.RemedyHeldByPerson, "policy " + policy.name() + " takes no step on node "
                        + hold.node() + ": " + hold.reason());
                log.info("node held by a person policy={} node={}: no step is taken on it", policy.name(), hold.node());
            }
        }
        Optional<Blocked> gate = hold.blocked();
        if (gate.isPresent()) {
            Blocker blocker = gate.get().blocker();
            blocked.merge(blocker, 1, Integer::sum);
            if (lastBlocked.put(hold.node(), blocker) != blocker) {
                metrics.becameBlocked(policy.name(), blocker);
                if (blocker != Blocker.OTHER_POLICY) {
                    // Once per change of gate, not per pass: the Event says why; the status keeps saying it.
                    acts.events().record(hold.node(), RemedyReason.RemedyBlockedByBudget, "policy " + policy.name() + " holds back "
                            + hold.next().orElse("its next action") + ": " + blocker.reason() + ": " + gate.get().message());
                }
            }
        } else {
            lastBlocked.remove(hold.node());
        }
        Optional<Instant> due = hold.due().or(() -> gate.flatMap(Blocked::until));
        String blockedBy = gate.map(g -> g.blocker().reason()).orElse("");
        String message = gate.map(g -> g.message() + "; " + hold.reason()).orElse(hold.reason());
        Optional<RemedyAction.Drain> drain = hold.state() == NodeState.IN_FLIGHT && gate.isEmpty() && acts.mode() != Mode.DRY_RUN
                ? DrainRounds.step(policy, cache.ledger(hold.node()).filter(l -> l.policy().equals(policy.name()))) : Optional.empty();
        if (drain.isPresent()) {
            DrainRound round = drains.runIfDue(hold.node(), policy.name(), drain.get(), acts.drainer(), now);
            if (round.outcome() == DrainRound.Outcome.BLOCKED) {
                blocked.merge(Blocker.POD_DISRUPTION_BUDGET, 1, Integer::sum);
                blockedBy = Blocker.POD_DISRUPTION_BUDGET.reason();
            }
            message = round.message() + "; " + hold.reason();
        }
        return StatusReport.node(hold.node(), hold.zone(), hold.state(), hold.next().orElse(""), due, blockedBy, message);
    }

    /** Forgets what the pass did not see; @return the nodes each gate held back in it */
    Map<Blocker, Integer> endPass(Set<String> seen) {
        lastBlocked.keySet().retainAll(seen);
        saidHeldByPerson.retainAll(heldByPerson);
        return Map.copyOf(blocked);
    }
}
