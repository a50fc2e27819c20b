package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionKind;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.DrainRound;
import dev.nodemedic.remedy.action.NodeTaint;
import dev.nodemedic.remedy.engine.Blocker;
import dev.nodemedic.remedy.engine.LadderStep;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.engine.RemedyAction;
import dev.nodemedic.remedy.event.RemedyReason;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A rung of the ladder applied to a node: the first of a new attempt, or the next after a timeout. */
record ApplyWrite(NodeDecision.Apply decision, Policy policy, DrainRounds drains) implements NodeWrite {
    private static final Logger log = LoggerFactory.getLogger(ApplyWrite.class);

    @Override
    public String action() {
        return decision.ladderStep().action().name();
    }

    /** By rung: a dry-run that would cordon, then (once the policy is applied for real) drain, says each once. */
    @Override
    public String wouldKey() {
        return decision.step() + ":" + action();
    }

    @Override
    public ActionResult perform(Actions acts) {
        String node = decision.node();
        return switch (decision.ladderStep().action()) {
            case RemedyAction.Taint taint -> acts.nodes().taint(node, policy.name(), NodeTaint.of(taint.key(), taint.value(), taint.effect()));
            case RemedyAction.Cordon cordon -> acts.nodes().cordon(node, policy.name());
            case RemedyAction.RequestReboot reboot -> acts.nodes().requestReboot(node, policy.name(), decision.reason());
            case RemedyAction.Drain drain -> {
                DrainRound round = drains.run(node, policy.name(), drain, acts.drainer());
                ActionResult.Outcome outcome = switch (round.outcome()) {
                    case DRAINED, IN_PROGRESS, BLOCKED -> ActionResult.Outcome.APPLIED;
                    case WOULD_EVICT -> ActionResult.Outcome.WOULD_APPLY;
                    case FAILED -> ActionResult.Outcome.FAILED;
                };
                yield new ActionResult(ActionKind.DRAIN, node, outcome, round.message());
            }
        };
    }

    @Override
    public NodeEntry would(String message, Instant now) {
        return line(NodeState.UNHEALTHY, action(), Optional.of(now), "", message);
    }

    @Override
    public Ledger recorded(Ledger ours, Instant now) {
        return decision.newAttempt() ? ours.startAttempt(now, policy.budget().attemptWindow()) : ours.escalate(decision.step(), now);
    }

    @Override
    public NodeEntry kept(ActionResult result, Actions acts, Instant now) {
        if (!decision.newAttempt()) {
            acts.events().record(decision.node(), RemedyReason.RemedyEscalated,
                    "policy " + policy.name() + " moved to " + action() + ": " + decision.reason());
        }
        log.info("remedy applied policy={} node={} action={} step={} outcome={}", policy.name(), decision.node(), action(), decision.step(),
                result.outcome().label());
        LadderStep step = decision.ladderStep();
        Optional<String> following = decision.step() + 1 < policy.ladder().size() && !step.stopOnTimeout()
                ? Optional.of(policy.ladder().get(decision.step() + 1).action().name()) : Optional.empty();
        String blockedBy = drains.blocker(decision.node()).map(Blocker::reason).orElse("");
        return line(NodeState.IN_FLIGHT, following.orElse(""), Optional.of(now.plus(step.timeout())), blockedBy, result.message());
    }
}
