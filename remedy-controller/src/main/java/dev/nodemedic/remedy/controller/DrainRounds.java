package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.DrainOptions;
import dev.nodemedic.remedy.action.DrainRound;
import dev.nodemedic.remedy.action.Drainer;
import dev.nodemedic.remedy.engine.Blocker;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.RemedyAction;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One policy's drains under way: the last round run on each node, so the next round runs when the
 * drainer said it is due, not every pass. A new leader has none, so its first pass on a drain step
 * runs a round at once.
 */
final class DrainRounds {
    private final Map<String, DrainRound> last = new HashMap<>();

    /** The drain step the node's ladder is on, if it is on one. */
    static Optional<RemedyAction.Drain> step(Policy policy, Optional<Ledger> ours) {
        return ours.flatMap(Ledger::current)
                .map(attempt -> policy.ladder().get(Math.min(attempt.step(), policy.ladder().size() - 1)).action())
                .filter(RemedyAction.Drain.class::isInstance).map(RemedyAction.Drain.class::cast);
    }

    /** Runs a round now: the drain step was just applied. */
    DrainRound run(String node, String policy, RemedyAction.Drain drain, Drainer drainer) {
        DrainRound round = drainer.round(node, policy, options(drain));
        last.put(node, round);
        return round;
    }

    /** The next round when it is due (or none was run by this leader yet); else the last round. */
    DrainRound runIfDue(String node, String policy, RemedyAction.Drain drain, Drainer drainer, Instant now) {
        DrainRound round = last.get(node);
        boolean due = round == null || (round.outcome() != DrainRound.Outcome.DRAINED
                && round.nextRoundAt().map(at -> !at.isAfter(now)).orElse(false));
        return due ? run(node, policy, drain, drainer) : round;
    }

    /** {@code PodDisruptionBudget} when the node's last round was refused by one. */
    Optional<Blocker> blocker(String node) {
        return Optional.ofNullable(last.get(node)).filter(r -> r.outcome() == DrainRound.Outcome.BLOCKED)
                .map(r -> Blocker.POD_DISRUPTION_BUDGET);
    }

    /** The drain is over (undone, or given to a person): the drainer forgets its backoff too. */
    void forget(String node, Drainer drainer) {
        drainer.forget(node);
        last.remove(node);
    }

    void keepOnly(Set<String> nodes) {
        last.keySet().retainAll(nodes);
    }

    /**
     * When the earliest next round still to come is due. A round due already was run in the pass that
     * just ran, unless its node is held (a gate, a stale heartbeat): a pass at once would hold it again.
     */
    Optional<Instant> nextRound(Instant now) {
        return last.values().stream().flatMap(round -> round.nextRoundAt().stream()).filter(at -> at.isAfter(now)).min(Instant::compareTo);
    }

    private static DrainOptions options(RemedyAction.Drain drain) {
        return new DrainOptions(drain.gracePeriodSeconds().isPresent()
                ? Optional.of(Duration.ofSeconds(drain.gracePeriodSeconds().getAsLong())) : Optional.empty());
    }
}
