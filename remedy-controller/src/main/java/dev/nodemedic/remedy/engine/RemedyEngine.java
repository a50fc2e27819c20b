package dev.nodemedic.remedy.engine;

import dev.nodemedic.daemon.api.GoDuration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The pure decision: given a policy, every node as last seen, what the policy remembers, the fleet
 * and the time, what to do to each node and when to look again. No I/O and no clock of its own, so
 * the same pass runs in the controller, in tests and in the 5,000-node simulation.
 *
 * <p>Order of a pass: nodes already carrying this policy's remedy first (escalate, undo, give up),
 * then unhealthy nodes oldest-first through the gates, each admission counted against the budgets
 * before the next node is considered. A node whose ledger cannot be read is held whatever its health,
 * and counted in flight: it may carry a remedy nobody can now see.
 */
public final class RemedyEngine {
    /** Gates in the order their refusals are reported: the switches first, then the budgets. */
    private static final List<Gate> GATES = List.of(new PausedGate(), new StormGate(), new CooldownGate(),
            new ClusterInFlightGate(), new InFlightGate(), new ZoneGate(), new IntervalGate());
    private static final PausedGate PAUSED = new PausedGate();

    public Evaluation evaluate(Policy policy, List<NodeSnapshot> nodes, PolicyMemory memory, Fleet fleet, Instant now) {
        List<Judged> eligible = new ArrayList<>();
        Optional<Instant> lastAdmission = Optional.empty();
        for (NodeSnapshot node : nodes) {
            Optional<Ledger> ours = node.ledger().filter(l -> l.policy().equals(policy.name()));
            if (ours.isPresent()) {
                Optional<Instant> last = ours.get().lastAttemptStart();
                if (last.isPresent() && (lastAdmission.isEmpty() || last.get().isAfter(lastAdmission.get()))) {
                    lastAdmission = last;
                }
            }
            if (policy.selection().selects(node.labels())) {
                eligible.add(new Judged(node, Health.of(node, policy, now)));
            }
        }
        // A node counts as unhealthy for maxUnhealthy as soon as a rule matches with a fresh heartbeat, before
        // minDuration has passed: a storm is seen before the first of its nodes falls due, so nothing acts in it.
        int unhealthy = (int) eligible.stream().filter(j -> j.health() instanceof Health.Unhealthy || j.health() instanceof Health.Pending).count();
        boolean storm = unhealthy > policy.budget().maxUnhealthy().of(eligible.size());
        PolicyMemory remembered = remember(memory, storm, now);
        Optional<Instant> cooldownUntil = remembered.stormEndedAt().map(end -> end.plus(policy.budget().stormCooldown()));
        Tally tally = new Tally(policy, fleet, now, eligible.size(), unhealthy, storm, cooldownUntil, lastAdmission);
        // In-flight counts every node carrying this policy's marks, selected or not: they are disrupted either way.
        // A node a person cordoned is not ours to count: it is out of service by their hand, not by a remedy.
        for (NodeSnapshot node : nodes) {
            if (node.unreadableLedger().isPresent() && policy.selection().selects(node.labels())) {
                // Its marks cannot be read, so it counts where it is selected: it may carry this policy's remedy, and
                // counting it keeps the budgets from being exceeded while nobody knows (each selecting policy counts it).
                tally.countInFlight(node.zone());
            } else if (!policy.leavesToPerson(node)) {
                node.ledger().filter(l -> l.policy().equals(policy.name()) && l.inFlight()).ifPresent(l -> tally.countInFlight(node.zone()));
            }
        }

        List<NodeDecision> decisions = new ArrayList<>();
        List<Judged> candidates = new ArrayList<>();
        for (Judged judged : eligible) {
            Optional<String> unreadable = judged.node().unreadableLedger();
            if (unreadable.isPresent()) {
                decisions.add(hold(judged, NodeState.LEDGER_UNREADABLE, Optional.empty(), Optional.empty(), Optional.empty(),
                        "noderemedyledger/" + judged.node().name() + " cannot be read: " + unreadable.get() + "; no step and no undo until it"
                                + " reads again: correct that field, or check the node by hand and delete the ledger"));
                continue;
            }
            Optional<Ledger> ledger = judged.node().ledger();
            if (ledger.isPresent() && ledger.get().inFlight()) {
                if (ledger.get().policy().equals(policy.name())) {
                    decisions.add(inFlight(judged, ledger.get(), tally));
                } else if (!(judged.health() instanceof Health.Healthy)) {
                    decisions.add(hold(judged, NodeState.UNHEALTHY, Optional.empty(), Optional.empty(),
                            Optional.of(Blocked.untilChange(Blocker.OTHER_POLICY, "policy " + ledger.get().policy() + " is remedying this node")),
                            "another policy owns this node"));
                }
                continue;
            }
            if (policy.leavesToPerson(judged.node()) && !(judged.health() instanceof Health.Healthy)) {
                decisions.add(heldByPerson(judged, policy, "no remedy is started"));
                continue;
            }
            switch (judged.health()) {
                case Health.Healthy healthy -> {
                }
                case Health.Pending pending -> decisions.add(hold(judged, NodeState.PENDING, firstAction(policy), Optional.of(pending.due()),
                        Optional.empty(), pending.rule().conditionType() + " has not held for " + GoDuration.formatShort(pending.rule().minDuration()) + " yet"));
                case Health.Stale stale -> decisions.add(hold(judged, NodeState.STALE, Optional.empty(), Optional.empty(), Optional.empty(),
                        staleMessage(stale)));
                case Health.Unhealthy u -> candidates.add(judged);
            }
        }
        candidates.sort(Comparator.comparing((Judged j) -> ((Health.Unhealthy) j.health()).since()).thenComparing(j -> j.node().name()));
        for (Judged judged : candidates) {
            decisions.add(admit(judged, tally));
        }

        int inFlight = tally.inFlight();
        int blocked = 0;
        int needsHuman = 0;
        Optional<Instant> nextDue = Optional.empty();
        for (NodeDecision decision : decisions) {
            if (decision instanceof NodeDecision.Hold hold) {
                if (hold.blocked().isPresent()) {
                    blocked++;
                }
                if (hold.state() == NodeState.NEEDS_HUMAN) {
                    needsHuman++;
                }
                Optional<Instant> due = hold.due().or(() -> hold.blocked().flatMap(Blocked::until));
                if (due.isPresent() && (nextDue.isEmpty() || due.get().isBefore(nextDue.get()))) {
                    nextDue = due;
                }
            } else if (decision instanceof NodeDecision.GiveUp) {
                needsHuman++;
            }
        }
        PolicyPhase phase = phase(policy, fleet, storm, cooldownUntil, now);
        String message = switch (phase) {
            case PAUSED -> fleet.paused() ? "the controller runs with --paused: nothing is done" : "spec.paused: nothing is done";
            case STORM -> unhealthy + " of " + eligible.size() + " nodes unhealthy, above maxUnhealthy "
                    + policy.budget().maxUnhealthy() + ": acting on none";
            case COOLDOWN -> "storm over, new remedies wait until " + cooldownUntil.orElseThrow();
            case DRY_RUN -> "dry-run: decisions are reported here, nothing is written to nodes";
            case ACTIVE, INVALID -> unhealthy + " unhealthy, " + inFlight + " in flight, " + blocked + " blocked";
        };
        return new Evaluation(policy.name(), now, phase, message, decisions, eligible.size(), unhealthy, inFlight, blocked,
                needsHuman, remembered, nextDue);
    }

    private record Judged(NodeSnapshot node, Health health) {
    }

    private static PolicyMemory remember(PolicyMemory memory, boolean storm, Instant now) {
        if (storm) {
            return memory.stormStartedAt().isPresent() ? memory : new PolicyMemory(Optional.of(now), memory.stormEndedAt());
        }
        if (memory.stormStartedAt().isPresent()) {
            return new PolicyMemory(Optional.empty(), Optional.of(now));
        }
        return memory;
    }

    private static PolicyPhase phase(Policy policy, Fleet fleet, boolean storm, Optional<Instant> cooldownUntil, Instant now) {
        if (fleet.paused() || policy.paused()) {
            return PolicyPhase.PAUSED;
        }
        if (storm) {
            return PolicyPhase.STORM;
        }
        if (cooldownUntil.isPresent() && cooldownUntil.get().isAfter(now)) {
            return PolicyPhase.COOLDOWN;
        }
        return policy.dryRun() ? PolicyPhase.DRY_RUN : PolicyPhase.ACTIVE;
    }

    /** A node not yet remedied: the attempts budget, then the gates, then the first rung. */
    private static NodeDecision admit(Judged judged, Tally tally) {
        Policy policy = tally.policy;
        Health.Unhealthy health = (Health.Unhealthy) judged.health();
        String why = health.rule().conditionType() + " is " + health.condition().status().apiValue()
                + (health.condition().reason().isEmpty() ? "" : " (" + health.condition().reason() + ")")
                + " since " + health.since();
        Optional<Blocked> paused = PAUSED.admit(judged.node().zone(), tally);
        if (paused.isPresent()) {
            return hold(judged, NodeState.UNHEALTHY, firstAction(policy), Optional.empty(), paused, why);
        }
        Optional<Ledger> ledger = judged.node().ledger().filter(l -> l.policy().equals(policy.name()));
        long attempts = ledger.map(l -> l.attemptsSince(tally.now.minus(policy.budget().attemptWindow()))).orElse(0L);
        if (attempts >= policy.budget().maxAttempts()) {
            return new NodeDecision.GiveUp(judged.node().name(), judged.node().zone(), NodeDecision.GiveUp.MAX_ATTEMPTS_REACHED, why + "; " + attempts
                    + " attempts within " + GoDuration.formatShort(policy.budget().attemptWindow()) + " already (maxAttempts "
                    + policy.budget().maxAttempts() + ")");
        }
        for (Gate gate : GATES) {
            Optional<Blocked> blocked = gate.admit(judged.node().zone(), tally);
            if (blocked.isPresent()) {
                return hold(judged, NodeState.UNHEALTHY, firstAction(policy), Optional.empty(), blocked, why);
            }
        }
        tally.admitted(judged.node().zone());
        return new NodeDecision.Apply(judged.node().name(), judged.node().zone(), 0, policy.ladder().getFirst(), true, why);
    }

    /** A node carrying this policy's remedy: wait, escalate, start over, give up, or undo. */
    private static NodeDecision inFlight(Judged judged, Ledger ledger, Tally tally) {
        Policy policy = tally.policy;
        if (ledger.needsHuman()) {
            return hold(judged, NodeState.NEEDS_HUMAN, Optional.empty(), Optional.empty(), Optional.empty(),
                    "the controller gave up on this node; kubectl delete noderemedyledger " + judged.node().name() + " hands it back");
        }
        Ledger.Attempt attempt = ledger.current().orElseThrow();
        int step = Math.min(attempt.step(), policy.ladder().size() - 1);
        LadderStep current = policy.ladder().get(step);
        // Undoing what this policy did is still ours to do (the person's cordon stays); a further step is not.
        boolean recovered = judged.health() instanceof Health.Healthy healthy && healthy.trusted();
        if (policy.leavesToPerson(judged.node()) && !recovered) {
            return heldByPerson(judged, policy, "the ladder stops at " + current.action().name());
        }
        Optional<Blocked> paused = PAUSED.admit(judged.node().zone(), tally);
        switch (judged.health()) {
            case Health.Healthy healthy when !healthy.trusted() ->  {
                return hold(judged, NodeState.STALE, Optional.of("undo"), Optional.empty(), paused,
                        "the policy's conditions look healthy but are missing or their heartbeat is stale: not undoing on that");
            }
            case Health.Healthy healthy -> {
                Instant since = healthy.since().orElseThrow();
                Instant undoAt = since.plus(policy.healthyFor());
                if (undoAt.isAfter(tally.now)) {
                    return hold(judged, NodeState.RECOVERING, Optional.of("undo"), Optional.of(undoAt), paused,
                            "healthy since " + since + ", undo after recovery.healthyFor " + GoDuration.formatShort(policy.healthyFor()));
                }
                if (paused.isPresent()) {
                    return hold(judged, NodeState.RECOVERING, Optional.of("undo"), Optional.empty(), paused, "healthy since " + since);
                }
                return new NodeDecision.Undo(judged.node().name(), judged.node().zone(), "healthy since " + since
                        + " (recovery.healthyFor " + GoDuration.formatShort(policy.healthyFor()) + ")");
            }
            case Health.Stale stale -> {
                return hold(judged, NodeState.STALE, Optional.empty(), Optional.empty(), paused, staleMessage(stale));
            }
            case Health.Pending p -> {
                // Flapped back to unhealthy after a short recovery: the ladder goes on as if it never left.
            }
            case Health.Unhealthy u -> {
            }
        }
        Instant timeoutAt = attempt.stepStartedAt().plus(current.timeout());
        boolean last = step == policy.ladder().size() - 1;
        Optional<String> next = last || current.stopOnTimeout() ? Optional.empty() : Optional.of(policy.ladder().get(step + 1).action().name());
        if (timeoutAt.isAfter(tally.now)) {
            return hold(judged, NodeState.IN_FLIGHT, next, Optional.of(timeoutAt), Optional.empty(),
                    current.action().name() + " applied at " + attempt.stepStartedAt() + ", timeout " + GoDuration.formatShort(current.timeout()));
        }
        if (paused.isPresent()) {
            return hold(judged, NodeState.IN_FLIGHT, next, Optional.empty(), paused, current.action().name() + " timed out");
        }
        if (current.stopOnTimeout()) {
            return new NodeDecision.GiveUp(judged.node().name(), judged.node().zone(), NodeDecision.GiveUp.STEP_TIMED_OUT, current.action().name()
                    + " timed out after " + GoDuration.formatShort(current.timeout()) + " and the step says onTimeout: Stop");
        }
        if (tally.storm) {
            return hold(judged, NodeState.IN_FLIGHT, next.or(() -> Optional.of(policy.ladder().getFirst().action().name())), Optional.empty(),
                    new StormGate().admit(judged.node().zone(), tally), current.action().name() + " timed out; not escalating during a storm");
        }
        if (!last) {
            return new NodeDecision.Apply(judged.node().name(), judged.node().zone(), step + 1, policy.ladder().get(step + 1), false,
                    current.action().name() + " timed out after " + GoDuration.formatShort(current.timeout()) + " and the node is still unhealthy");
        }
        long attempts = ledger.attemptsSince(tally.now.minus(policy.budget().attemptWindow()));
        if (attempts >= policy.budget().maxAttempts()) {
            return new NodeDecision.GiveUp(judged.node().name(), judged.node().zone(), NodeDecision.GiveUp.MAX_ATTEMPTS_REACHED, "the ladder ran out " + attempts
                    + " times within " + GoDuration.formatShort(policy.budget().attemptWindow()) + " (maxAttempts " + policy.budget().maxAttempts() + ")");
        }
        return new NodeDecision.Apply(judged.node().name(), judged.node().zone(), 0, policy.ladder().getFirst(), true,
                "the ladder ran out and the node is still unhealthy: attempt " + (attempts + 1) + " of " + policy.budget().maxAttempts());
    }

    private static NodeDecision.Hold heldByPerson(Judged judged, Policy policy, String what) {
        return hold(judged, NodeState.HELD_BY_PERSON, Optional.empty(), Optional.empty(), Optional.empty(),
                "someone cordoned the node (spec.unschedulable without our mark): it is in a person's hands, so " + what
                        + " and it is not counted in flight; uncordon it to hand it back, or set actOnCordonedNodes: true in policy "
                        + policy.name() + " to act on such nodes");
    }

    private static Optional<String> firstAction(Policy policy) {
        return Optional.of(policy.ladder().getFirst().action().name());
    }

    private static String staleMessage(Health.Stale stale) {
        return stale.rule().conditionType() + " is " + stale.condition().status().apiValue() + " but its last heartbeat was at "
                + stale.condition().lastHeartbeatTime() + ", older than maxHeartbeatAge " + GoDuration.formatShort(stale.rule().maxHeartbeatAge())
                + ": its detector may be gone, so it is not acted on";
    }

    private static NodeDecision.Hold hold(Judged judged, NodeState state, Optional<String> next, Optional<Instant> due,
                                          Optional<Blocked> blocked, String reason) {
        return new NodeDecision.Hold(judged.node().name(), judged.node().zone(), state, next, due, blocked, reason);
    }
}
