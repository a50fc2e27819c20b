package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.ActionsByMode;
import dev.nodemedic.remedy.engine.Blocker;
import dev.nodemedic.remedy.engine.Evaluation;
import dev.nodemedic.remedy.engine.Fleet;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeSnapshot;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.RemedyEngine;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's pass: the {@link RemedyEngine} over each policy and the cached nodes, each decision
 * carried out (a write through the {@link ActionExecutor}, a hold through {@link HeldNodes}), and the
 * policy's status written. The informers' changes go to the {@link NodeCache} and the
 * {@link CompiledPolicies}. Single-threaded by contract: the {@link RemedyController} calls it only from
 * its scheduler's thread, the simulation from its own.
 */
public final class RemedyLoop {
    private static final Logger log = LoggerFactory.getLogger(RemedyLoop.class);

    private final Clock clock;
    private final ActionsByMode actions;
    private final LedgerStore ledgers;
    private final RemedyMetrics metrics;
    private final ControllerSettings settings;
    private final RemedyEngine engine = new RemedyEngine();
    private final NodeCache nodes;
    private final CompiledPolicies policies;

    public RemedyLoop(Clock clock, ActionsByMode actions, LedgerStore ledgers, StatusStore statuses, RemedyMetrics metrics,
                      ControllerSettings settings) {
        this.clock = clock;
        this.actions = actions;
        this.ledgers = ledgers;
        this.metrics = metrics;
        this.settings = settings;
        this.nodes = new NodeCache(clock, metrics);
        this.policies = new CompiledPolicies(resource -> new PolicyState(resource.getMetadata().getName(), resource.getStatus(), nodes,
                ledgers, statuses, metrics));
    }

    /** A Node changed: its labels and conditions are taken, its ledger is the one its NodeRemedyLedger holds. */
    public void nodeChanged(NodeSnapshot snapshot) {
        nodes.nodeChanged(snapshot);
    }

    /** The Node is gone, and with it its ledger: the next node of that name starts afresh. */
    public void nodeRemoved(String name) {
        if (nodes.nodeRemoved(name)) {
            ledgers.forget(name).ifPresent(failure -> log.warn("ledger of a deleted node not deleted node={}: {}", name, failure));
        }
    }

    /** A node's NodeRemedyLedger was read (empty: it was deleted). */
    public void ledgerChanged(String node, Optional<Ledger> read) {
        nodes.ledgerChanged(node, read);
    }

    /** A node's NodeRemedyLedger could not be read ({@code why} names the field): the node is held until it can. */
    public void ledgerUnreadable(String node, String why) {
        nodes.ledgerUnreadable(node, why);
    }

    public void policyChanged(NodeRemedyPolicy resource) {
        policies.changed(resource);
    }

    public void policyRemoved(String name) {
        policies.removed(name);
        metrics.forget(name);
    }

    /** Runs every policy once; returns when the next pass is due by time alone (nothing else would change a decision before). */
    public Optional<Instant> pass() {
        Instant now = clock.instant();
        Optional<Instant> next = Optional.empty();
        for (PolicyState state : policies.all()) {
            next = earliest(next, pass(state, now));
        }
        return next;
    }

    private Optional<Instant> pass(PolicyState state, Instant now) {
        if (state.policy.isEmpty()) {
            return state.status.write(StatusReport.invalid(state.generation, state.invalid, state.recent.list(), state.memory), now);
        }
        Policy policy = state.policy.get();
        // Read again for each policy: the one before may have written ledgers.
        List<NodeSnapshot> all = nodes.snapshots();
        Fleet fleet = new Fleet(settings.paused(), settings.maxInFlight(), policies.inFlight(all));
        Evaluation evaluation = engine.evaluate(policy, all, state.memory, fleet, now);
        state.memory = evaluation.memory();
        Actions acts = actions.of(policy.dryRun());
        List<NodeEntry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        state.held.startPass();
        for (NodeDecision decision : evaluation.decisions()) {
            seen.add(decision.node());
            entries.add(switch (decision) {
                case NodeDecision.Apply apply -> state.executor.run(new ApplyWrite(apply, policy, state.drains), acts, now);
                case NodeDecision.Undo undo -> state.executor.run(new UndoWrite(undo, policy, state.drains), acts, now);
                case NodeDecision.GiveUp giveUp -> state.executor.run(new GiveUpWrite(giveUp, policy, state.drains), acts, now);
                case NodeDecision.Hold hold -> state.held.report(hold, policy, acts, now);
            });
        }
        Map<Blocker, Integer> blocked = state.held.endPass(seen);
        state.executor.keepOnly(seen);
        state.drains.keepOnly(seen);
        metrics.pass(state.name, evaluation.inFlightNodes(), evaluation.unhealthyNodes(), evaluation.needsHumanNodes(), blocked);
        Optional<Instant> written = state.status.write(StatusReport.of(state.generation, evaluation, entries, state.recent.list()), now);
        return Stream.of(evaluation.nextDue(), state.executor.nextRetry(now), state.drains.nextRound(now), written)
                .flatMap(Optional::stream).min(Instant::compareTo);
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        return Stream.of(a, b).flatMap(Optional::stream).min(Instant::compareTo);
    }
}
