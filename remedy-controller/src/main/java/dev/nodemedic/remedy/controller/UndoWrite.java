package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node recovered: what the policy applied to it is taken back, and only that. */
record UndoWrite(NodeDecision.Undo decision, Policy policy, DrainRounds drains) implements NodeWrite {
    private static final Logger log = LoggerFactory.getLogger(UndoWrite.class);

    @Override
    public String action() {
        return "undo";
    }

    @Override
    public ActionResult perform(Actions acts) {
        return acts.nodes().undo(decision.node(), policy.name());
    }

    @Override
    public NodeEntry would(String message, Instant now) {
        return line(NodeState.RECOVERING, action(), Optional.of(now), "", message);
    }

    @Override
    public void done(Actions acts) {
        drains.forget(decision.node(), acts.drainer());
    }

    @Override
    public Ledger recorded(Ledger ours, Instant now) {
        return ours.recovered(now, policy.budget().attemptWindow());
    }

    @Override
    public NodeEntry kept(ActionResult result, Actions acts, Instant now) {
        log.info("remedy undone policy={} node={}: {}", policy.name(), decision.node(), decision.reason());
        return line(NodeState.RECOVERING, "", Optional.empty(), "", result.message());
    }
}
