package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.engine.Policy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The policy gives the node to a person: condition NodeRemedyNeedsHuman, and the ledger says so, so nothing touches the node again. */
record GiveUpWrite(NodeDecision.GiveUp decision, Policy policy, DrainRounds drains) implements NodeWrite {
    private static final Logger log = LoggerFactory.getLogger(GiveUpWrite.class);

    @Override
    public String action() {
        return "needsHuman";
    }

    @Override
    public ActionResult perform(Actions acts) {
        String message = acts.mode() == Mode.DRY_RUN ? decision.reason() : "policy " + policy.name() + " gave up: " + decision.reason();
        return acts.needsHuman().raise(decision.node(), policy.name(), decision.conditionReason(), message);
    }

    @Override
    public NodeEntry would(String message, Instant now) {
        return line(NodeState.NEEDS_HUMAN, "", Optional.empty(), "", message);
    }

    @Override
    public void done(Actions acts) {
        drains.forget(decision.node(), acts.drainer());
    }

    @Override
    public Ledger recorded(Ledger ours, Instant now) {
        return ours.givenUp();
    }

    @Override
    public NodeEntry kept(ActionResult result, Actions acts, Instant now) {
        log.warn("remedy gave up policy={} node={}: {}", policy.name(), decision.node(), decision.reason());
        return line(NodeState.NEEDS_HUMAN, "", Optional.empty(), "", decision.reason());
    }
}
