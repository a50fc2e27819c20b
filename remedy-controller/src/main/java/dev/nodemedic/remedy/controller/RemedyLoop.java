package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionKind;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.ActionsByMode;
import dev.nodemedic.remedy.action.DrainOptions;
import dev.nodemedic.remedy.action.DrainRound;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.action.NodeTaint;
import dev.nodemedic.remedy.engine.Blocked;
import dev.nodemedic.remedy.engine.Blocker;
import dev.nodemedic.remedy.engine.Evaluation;
import dev.nodemedic.remedy.engine.Fleet;
import dev.nodemedic.remedy.engine.InvalidPolicyException;
import dev.nodemedic.remedy.engine.LadderStep;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeSnapshot;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.PolicyCompiler;
import dev.nodemedic.remedy.engine.PolicyMemory;
import dev.nodemedic.remedy.engine.RemedyAction;
import dev.nodemedic.remedy.engine.RemedyEngine;
import dev.nodemedic.remedy.event.RemedyReason;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.ActionEntry;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's state and its pass: the latest snapshot of every node and policy, the engine run
 * over each policy, its decisions carried out through the action classes, the ledger kept in each
 * node's NodeRemedyLedger, and the status written. Single-threaded by contract: the {@link RemedyController} calls it
 * only from its scheduler's thread, the simulation from its own.
 */
public final class RemedyLoop {
    private static final Logger log = LoggerFactory.getLogger(RemedyLoop.class);
    /** After a failed write, wait this long before trying the node again, doubling up to {@link #RETRY_MAX}. */
    static final Duration RETRY_FIRST = Duration.ofSeconds(10);
    static final Duration RETRY_MAX = Duration.ofMinutes(5);
    /**
     * At most one status write per policy in this span: in a storm every node changes within a minute,
     * and the status is for people, who read it no faster. The last change is always written.
     */
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(2);

    private final Clock clock;
    private final ActionsByMode actions;
    private final LedgerStore ledgers;
    private final StatusStore statuses;
    private final RemedyMetrics metrics;
    private final ControllerSettings settings;
    private final RemedyEngine engine = new RemedyEngine();
    private final PolicyCompiler compiler = new PolicyCompiler();
    private final Map<String, NodeSnapshot> nodes = new HashMap<>();
    /** Each node's ledger as last read from its NodeRemedyLedger (or written by this loop), times clamped to when it was read. */
    private final Map<String, Ledger> ledgerByNode = new HashMap<>();
    /** Ledgers written but not yet seen back from the informer: an older event must not undo them. */
    private final Map<String, Ledger> unconfirmed = new HashMap<>();
    private final Map<String, PolicyState> policies = new TreeMap<>();

    public RemedyLoop(Clock clock, ActionsByMode actions, LedgerStore ledgers, StatusStore statuses, RemedyMetrics metrics,
                      ControllerSettings settings) {
        this.clock = clock;
        this.actions = actions;
        this.ledgers = ledgers;
        this.statuses = statuses;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** What the loop keeps per policy between passes. */
    private static final class PolicyState {
        long generation;
        Optional<Policy> policy = Optional.empty();
        String invalid = "";
        PolicyMemory memory;
        final RecentActions recent;
        NodeRemedyPolicyStatus lastWritten;
        Instant lastWriteAt = Instant.MIN;
        final Map<String, Blocker> lastBlocked = new HashMap<>();
        /** Nodes a person holds, already said in an Event: said once per spell, not every pass. */
        final Set<String> heldByPerson = new HashSet<>();
        /** Dry-run: what was last reported per node, so an unchanged "would" is not reported again every pass. */
        final Map<String, String> lastWould = new HashMap<>();
        final Map<String, String> wouldMessage = new HashMap<>();
        final Map<String, DrainRound> drains = new HashMap<>();
        final Map<String, Retry> retries = new HashMap<>();

        PolicyState(NodeRemedyPolicyStatus status) {
            memory = StatusReport.memory(status);
            recent = new RecentActions(status == null || status.recentActions() == null ? List.of() : status.recentActions());
            lastWritten = status;
        }
    }

    private record Retry(Instant at, Duration delay) {
        Retry next(Instant now) {
            Duration doubled = delay.multipliedBy(2);
            Duration capped = doubled.compareTo(RETRY_MAX) > 0 ? RETRY_MAX : doubled;
            return new Retry(now.plus(capped), capped);
        }
    }

    /** A Node changed: its labels and conditions are taken, its ledger is the one its NodeRemedyLedger holds. */
    public void nodeChanged(NodeSnapshot snapshot) {
        nodes.put(snapshot.name(), snapshot.withLedger(Optional.ofNullable(ledgerByNode.get(snapshot.name()))));
    }

    /** The Node is gone, and with it its ledger: the next node of that name starts afresh. */
    public void nodeRemoved(String name) {
        nodes.remove(name);
        unconfirmed.remove(name);
        if (ledgerByNode.remove(name) != null) {
            ledgers.forget(name).ifPresent(failure -> log.warn("ledger of a deleted node not deleted node={}: {}", name, failure));
        }
    }

    /**
     * A node's NodeRemedyLedger was read (empty: it was deleted, or could not be read). Times after now
     * are moved back to now: a ledger is read, not trusted, and a time in the future would hold
     * {@code minInterval} and the step's timeout until then (a leader whose clock ran ahead writes such
     * times too).
     */
    public void ledgerChanged(String node, Optional<Ledger> read) {
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
        NodeSnapshot snapshot = nodes.get(node);
        if (snapshot != null) {
            nodes.put(node, snapshot.withLedger(ledger));
        }
    }

    public void policyChanged(NodeRemedyPolicy resource) {
        String name = resource.getMetadata().getName();
        PolicyState state = policies.computeIfAbsent(name, n -> new PolicyState(resource.getStatus()));
        Long generation = resource.getMetadata().getGeneration();
        state.generation = generation == null ? 0 : generation;
        boolean wasDryRun = state.policy.map(Policy::dryRun).orElse(true);
        try {
            state.policy = Optional.of(compiler.compile(resource));
            state.invalid = "";
        } catch (InvalidPolicyException e) {
            if (!e.getMessage().equals(state.invalid)) {
                log.warn("policy not acted on policy={}: {}", name, e.getMessage());
            }
            state.policy = Optional.empty();
            state.invalid = e.getMessage();
        }
        if (state.policy.map(Policy::dryRun).orElse(true) != wasDryRun) {
            state.lastWould.clear();
            state.wouldMessage.clear();
        }
    }

    public void policyRemoved(String name) {
        policies.remove(name);
        metrics.forget(name);
    }

    /** Runs every policy once; returns when the next pass is due by time alone (nothing else would change a decision before). */
    public Optional<Instant> pass() {
        Instant now = clock.instant();
        Optional<Instant> next = Optional.empty();
        for (Map.Entry<String, PolicyState> entry : policies.entrySet()) {
            next = earliest(next, pass(entry.getKey(), entry.getValue(), now));
        }
        return next;
    }

    private Optional<Instant> pass(String name, PolicyState state, Instant now) {
        if (state.policy.isEmpty()) {
            return write(name, state, StatusReport.invalid(state.generation, state.invalid, state.recent.list(), state.memory), now);
        }
        Policy policy = state.policy.get();
        List<NodeSnapshot> all = List.copyOf(nodes.values());
        int inFlight = (int) all.stream().filter(this::countsInFlight).count();
        Evaluation evaluation = engine.evaluate(policy, all, state.memory, new Fleet(settings.paused(), settings.maxInFlight(), inFlight), now);
        state.memory = evaluation.memory();
        Actions acts = actions.of(policy.dryRun());
        Pass pass = new Pass(policy, state, acts, now);
        for (NodeDecision decision : evaluation.decisions()) {
            pass.seen.add(decision.node());
            pass.entries.add(switch (decision) {
                case NodeDecision.Apply apply -> pass.apply(apply);
                case NodeDecision.Undo undo -> pass.undo(undo);
                case NodeDecision.GiveUp giveUp -> pass.giveUp(giveUp);
                case NodeDecision.Hold hold -> pass.hold(hold);
            });
        }
        state.lastBlocked.keySet().retainAll(pass.seen);
        state.heldByPerson.retainAll(pass.heldByPerson);
        state.lastWould.keySet().retainAll(pass.seen);
        state.wouldMessage.keySet().retainAll(pass.seen);
        state.retries.keySet().retainAll(pass.seen);
        state.drains.keySet().retainAll(pass.seen);
        Optional<Instant> next = evaluation.nextDue();
        for (Retry retry : state.retries.values()) {
            next = earliest(next, Optional.of(retry.at()));
        }
        for (DrainRound round : state.drains.values()) {
            next = earliest(next, round.nextRoundAt());
        }
        metrics.pass(name, evaluation.inFlightNodes(), evaluation.unhealthyNodes(), evaluation.needsHumanNodes(), pass.blocked);
        return earliest(next, write(name, state, StatusReport.of(state.generation, evaluation, pass.entries, state.recent.list()), now));
    }

    /**
     * The controller-wide in-flight count: nodes carrying any policy's marks, except those a person
     * cordoned that their policy leaves to the person.
     */
    private boolean countsInFlight(NodeSnapshot node) {
        Optional<Ledger> ledger = node.ledger().filter(Ledger::inFlight);
        if (ledger.isEmpty()) {
            return false;
        }
        Optional<Policy> owner = Optional.ofNullable(policies.get(ledger.get().policy())).flatMap(s -> s.policy);
        return !node.cordonedByPerson() || owner.map(p -> !p.leavesToPerson(node)).orElse(false);
    }

    /** Writes the status if it changed; returns when to pass again to write it (throttled or failed). */
    private Optional<Instant> write(String name, PolicyState state, NodeRemedyPolicyStatus status, Instant now) {
        if (status.equals(state.lastWritten)) {
            return Optional.empty();
        }
        Instant allowed = state.lastWriteAt.plus(STATUS_INTERVAL);
        if (allowed.isAfter(now)) {
            return Optional.of(allowed);
        }
        Optional<String> failure = statuses.write(name, status);
        state.lastWriteAt = now;
        if (failure.isPresent()) {
            log.warn("policy status not written policy={}: {}", name, failure.get());
            return Optional.of(now.plus(RETRY_FIRST));
        }
        state.lastWritten = status;
        return Optional.empty();
    }

    /** One policy's pass: carries out decisions and collects the status lines. */
    private final class Pass {
        final Policy policy;
        final PolicyState state;
        final Actions acts;
        final boolean dryRun;
        final Instant now;
        final List<NodeEntry> entries = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        final Map<Blocker, Integer> blocked = new EnumMap<>(Blocker.class);
        final Set<String> heldByPerson = new HashSet<>();

        Pass(Policy policy, PolicyState state, Actions acts, Instant now) {
            this.policy = policy;
            this.state = state;
            this.acts = acts;
            this.dryRun = acts.mode() == Mode.DRY_RUN;
            this.now = now;
        }

        NodeEntry apply(NodeDecision.Apply apply) {
            String action = apply.ladderStep().action().name();
            Optional<NodeEntry> waiting = retryWait(apply.node(), apply.zone(), action);
            if (waiting.isPresent()) {
                return waiting.get();
            }
            if (dryRun) {
                String message = wouldOnce(apply.node(), apply.step() + ":" + action, () -> perform(apply));
                return entry(apply.node(), apply.zone(), NodeState.UNHEALTHY, action, now, "", message);
            }
            ActionResult result = perform(apply);
            recordAction(apply.node(), result);
            if (!result.done()) {
                return failedOrRefused(apply.node(), apply.zone(), action, result);
            }
            Ledger base = ours(apply.node()).orElse(Ledger.empty(policy.name()));
            Ledger updated = apply.newAttempt() ? base.startAttempt(now, policy.budget().attemptWindow()) : base.escalate(apply.step(), now);
            if (!keep(apply.node(), updated, action)) {
                return failedOrRefused(apply.node(), apply.zone(), action, result);
            }
            if (!apply.newAttempt()) {
                acts.events().record(apply.node(), RemedyReason.RemedyEscalated, "policy " + policy.name() + " moved to " + action + ": " + apply.reason());
            }
            log.info("remedy applied policy={} node={} action={} step={} outcome={}", policy.name(), apply.node(), action, apply.step(),
                    result.outcome().label());
            LadderStep step = apply.ladderStep();
            Optional<String> following = apply.step() + 1 < policy.ladder().size() && !step.stopOnTimeout()
                    ? Optional.of(policy.ladder().get(apply.step() + 1).action().name()) : Optional.empty();
            String blockedBy = drainBlocker(apply.node()).map(Blocker::reason).orElse("");
            return entry(apply.node(), apply.zone(), NodeState.IN_FLIGHT, following.orElse(""), now.plus(step.timeout()), blockedBy, result.message());
        }

        NodeEntry undo(NodeDecision.Undo undo) {
            Optional<NodeEntry> waiting = retryWait(undo.node(), undo.zone(), "undo");
            if (waiting.isPresent()) {
                return waiting.get();
            }
            if (dryRun) {
                String message = wouldOnce(undo.node(), "undo", () -> acts.nodes().undo(undo.node(), policy.name()));
                return entry(undo.node(), undo.zone(), NodeState.RECOVERING, "undo", now, "", message);
            }
            ActionResult result = acts.nodes().undo(undo.node(), policy.name());
            recordAction(undo.node(), result);
            if (!result.done()) {
                return failedOrRefused(undo.node(), undo.zone(), "undo", result);
            }
            acts.drainer().forget(undo.node());
            state.drains.remove(undo.node());
            Ledger recovered = ours(undo.node()).orElse(Ledger.empty(policy.name())).recovered(now, policy.budget().attemptWindow());
            if (!keep(undo.node(), recovered, "undo")) {
                return failedOrRefused(undo.node(), undo.zone(), "undo", result);
            }
            log.info("remedy undone policy={} node={}: {}", policy.name(), undo.node(), undo.reason());
            return entry(undo.node(), undo.zone(), NodeState.RECOVERING, "", null, "", result.message());
        }

        NodeEntry giveUp(NodeDecision.GiveUp giveUp) {
            Optional<NodeEntry> waiting = retryWait(giveUp.node(), giveUp.zone(), "needsHuman");
            if (waiting.isPresent()) {
                return waiting.get();
            }
            if (dryRun) {
                String message = wouldOnce(giveUp.node(), "needsHuman",
                        () -> acts.needsHuman().raise(giveUp.node(), policy.name(), giveUp.conditionReason(), giveUp.reason()));
                return entry(giveUp.node(), giveUp.zone(), NodeState.NEEDS_HUMAN, "", null, "", message);
            }
            ActionResult result = acts.needsHuman().raise(giveUp.node(), policy.name(), giveUp.conditionReason(),
                    "policy " + policy.name() + " gave up: " + giveUp.reason());
            recordAction(giveUp.node(), result);
            if (!result.done()) {
                return failedOrRefused(giveUp.node(), giveUp.zone(), "needsHuman", result);
            }
            acts.drainer().forget(giveUp.node());
            state.drains.remove(giveUp.node());
            Ledger givenUp = ours(giveUp.node()).orElse(Ledger.empty(policy.name())).givenUp();
            if (!keep(giveUp.node(), givenUp, "needsHuman")) {
                return failedOrRefused(giveUp.node(), giveUp.zone(), "needsHuman", result);
            }
            log.warn("remedy gave up policy={} node={}: {}", policy.name(), giveUp.node(), giveUp.reason());
            return entry(giveUp.node(), giveUp.zone(), NodeState.NEEDS_HUMAN, "", null, "", giveUp.reason());
        }

        NodeEntry hold(NodeDecision.Hold hold) {
            if (hold.state() == NodeState.HELD_BY_PERSON) {
                heldByPerson.add(hold.node());
                if (state.heldByPerson.add(hold.node())) {
                    acts.events().record(hold.node(), RemedyReason.RemedyHeldByPerson, "policy " + policy.name() + " takes no step on node "
                            + hold.node() + ": " + hold.reason());
                    log.info("node held by a person policy={} node={}: no step is taken on it", policy.name(), hold.node());
                }
            }
            Optional<Blocked> gate = hold.blocked();
            if (gate.isPresent()) {
                Blocker blocker = gate.get().blocker();
                blocked.merge(blocker, 1, Integer::sum);
                if (state.lastBlocked.put(hold.node(), blocker) != blocker) {
                    metrics.becameBlocked(policy.name(), blocker);
                    if (blocker != Blocker.OTHER_POLICY) {
                        // Once per change of gate, not per pass: the Event says why; the status keeps saying it.
                        acts.events().record(hold.node(), RemedyReason.RemedyBlockedByBudget, "policy " + policy.name() + " holds back "
                                + hold.next().orElse("its next action") + ": " + blocker.reason() + ": " + gate.get().message());
                    }
                }
            } else {
                state.lastBlocked.remove(hold.node());
            }
            Instant due = hold.due().or(() -> gate.flatMap(Blocked::until)).orElse(null);
            String blockedBy = gate.map(g -> g.blocker().reason()).orElse("");
            String message = gate.map(g -> g.message() + "; " + hold.reason()).orElse(hold.reason());
            if (hold.state() == NodeState.IN_FLIGHT && gate.isEmpty() && !dryRun && onDrainStep(hold.node())) {
                DrainRound round = drainRoundIfDue(hold.node());
                if (round.outcome() == DrainRound.Outcome.BLOCKED) {
                    blocked.merge(Blocker.POD_DISRUPTION_BUDGET, 1, Integer::sum);
                    blockedBy = Blocker.POD_DISRUPTION_BUDGET.reason();
                }
                message = round.message() + "; " + hold.reason();
            }
            return entry(hold.node(), hold.zone(), hold.state(), hold.next().orElse(""), due, blockedBy, message);
        }

        private ActionResult perform(NodeDecision.Apply apply) {
            String node = apply.node();
            return switch (apply.ladderStep().action()) {
                case RemedyAction.Taint taint -> acts.nodes().taint(node, policy.name(), NodeTaint.of(taint.key(), taint.value(), taint.effect()));
                case RemedyAction.Cordon cordon -> acts.nodes().cordon(node, policy.name());
                case RemedyAction.RequestReboot reboot -> acts.nodes().requestReboot(node, policy.name(), apply.reason());
                case RemedyAction.Drain drain -> {
                    DrainOptions options = new DrainOptions(drain.gracePeriodSeconds().isPresent()
                            ? Optional.of(Duration.ofSeconds(drain.gracePeriodSeconds().getAsLong())) : Optional.empty());
                    DrainRound round = acts.drainer().round(node, policy.name(), options);
                    state.drains.put(node, round);
                    ActionResult.Outcome outcome = switch (round.outcome()) {
                        case DRAINED, IN_PROGRESS, BLOCKED -> ActionResult.Outcome.APPLIED;
                        case WOULD_EVICT -> ActionResult.Outcome.WOULD_APPLY;
                        case FAILED -> ActionResult.Outcome.FAILED;
                    };
                    yield new ActionResult(ActionKind.DRAIN, node, outcome, round.message());
                }
            };
        }

        private boolean onDrainStep(String node) {
            return ours(node).flatMap(Ledger::current)
                    .map(attempt -> policy.ladder().get(Math.min(attempt.step(), policy.ladder().size() - 1)).action() instanceof RemedyAction.Drain)
                    .orElse(false);
        }

        /** The next drain round when it is due (or none was run by this leader yet); else the last round. */
        private DrainRound drainRoundIfDue(String node) {
            DrainRound last = state.drains.get(node);
            boolean due = last == null || (last.outcome() != DrainRound.Outcome.DRAINED
                    && last.nextRoundAt().map(at -> !at.isAfter(now)).orElse(false));
            if (!due) {
                return last;
            }
            int step = ours(node).flatMap(Ledger::current).orElseThrow().step();
            RemedyAction.Drain drain = (RemedyAction.Drain) policy.ladder().get(Math.min(step, policy.ladder().size() - 1)).action();
            DrainOptions options = new DrainOptions(drain.gracePeriodSeconds().isPresent()
                    ? Optional.of(Duration.ofSeconds(drain.gracePeriodSeconds().getAsLong())) : Optional.empty());
            DrainRound round = acts.drainer().round(node, policy.name(), options);
            state.drains.put(node, round);
            return round;
        }

        private Optional<Blocker> drainBlocker(String node) {
            return Optional.ofNullable(state.drains.get(node)).filter(r -> r.outcome() == DrainRound.Outcome.BLOCKED)
                    .map(r -> Blocker.POD_DISRUPTION_BUDGET);
        }

        private Optional<Ledger> ours(String node) {
            return Optional.ofNullable(nodes.get(node)).flatMap(NodeSnapshot::ledger).filter(l -> l.policy().equals(policy.name()));
        }

        /** Writes the ledger and makes it the node's ledger at once, so the next pass sees it before the informer does. */
        private boolean keep(String node, Ledger ledger, String action) {
            Optional<String> failure = ledgers.write(node, ledger);
            if (failure.isPresent()) {
                log.warn("ledger not written policy={} node={} action={}: {}", policy.name(), node, action, failure.get());
                return false;
            }
            state.retries.remove(node);
            unconfirmed.put(node, ledger);
            ledgerByNode.put(node, ledger);
            NodeSnapshot snapshot = nodes.get(node);
            if (snapshot != null) {
                nodes.put(node, snapshot.withLedger(Optional.of(ledger)));
            }
            return true;
        }

        private String wouldOnce(String node, String key, java.util.function.Supplier<ActionResult> action) {
            if (key.equals(state.lastWould.get(node))) {
                return state.wouldMessage.get(node);
            }
            ActionResult result = action.get();
            recordAction(node, result);
            state.lastWould.put(node, key);
            state.wouldMessage.put(node, result.message());
            return result.message();
        }

        private void recordAction(String node, ActionResult result) {
            metrics.action(policy.name(), result.action().label(), result.outcome().label());
            state.recent.add(new ActionEntry(now.toString(), node, result.action().label(), result.outcome().label(), result.message()));
        }

        private Optional<NodeEntry> retryWait(String node, String zone, String action) {
            Retry retry = state.retries.get(node);
            if (retry == null || !retry.at().isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(entry(node, zone, NodeState.UNHEALTHY, action, retry.at(), "", "the last try failed; trying again at " + retry.at()));
        }

        /** Not done (failed, refused) or done but not recorded: try again later, backing off, rather than every pass. */
        private NodeEntry failedOrRefused(String node, String zone, String action, ActionResult result) {
            backOff(node);
            return entry(node, zone, NodeState.UNHEALTHY, action, state.retries.get(node).at(), "", result.message());
        }

        private void backOff(String node) {
            Retry last = state.retries.get(node);
            state.retries.put(node, last == null ? new Retry(now.plus(RETRY_FIRST), RETRY_FIRST) : last.next(now));
        }

        private NodeEntry entry(String node, String zone, NodeState nodeState, String next, Instant due, String blockedBy, String message) {
            return new NodeEntry(node, zone.isEmpty() ? null : zone, nodeState.apiValue(), next.isEmpty() ? null : next,
                    due == null ? null : due.toString(), blockedBy.isEmpty() ? null : blockedBy, Objects.requireNonNullElse(message, ""));
        }
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().isBefore(b.get()) ? a : b;
    }

}
