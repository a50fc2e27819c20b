package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeDecision;
import dev.nodemedic.remedy.engine.NodeState;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.NodeEntry;
import java.time.Instant;
import java.util.Optional;

/**
 * What one decision writes to a node, in the parts that differ between decisions; the
 * {@link ActionExecutor} runs every one through the same sequence.
 */
sealed interface NodeWrite permits ApplyWrite, UndoWrite, GiveUpWrite {
    NodeDecision decision();

    default String node() {
        return decision().node();
    }

    default String zone() {
        return decision().zone();
    }

    /** The action as the status ({@code next}) and the logs name it: {@code cordon}, {@code undo}, {@code needsHuman}. */
    String action();

    /** What a dry-run reports once per node: the same key on a later pass is not reported again. */
    default String wouldKey() {
        return action();
    }

    ActionResult perform(Actions acts);

    /** The dry-run status line, given what the action says it would do. */
    NodeEntry would(String message, Instant now);

    /** The action is done, its ledger not yet kept: what ends with the action ends now. */
    default void done(Actions acts) {
    }

    /** The policy's ledger on the node after the action. */
    Ledger recorded(Ledger ours, Instant now);

    /** The action is done and kept: its Event and log line, and the status line. */
    NodeEntry kept(ActionResult result, Actions acts, Instant now);

    /** The node's status line. */
    default NodeEntry line(NodeState state, String next, Optional<Instant> due, String blockedBy, String message) {
        return StatusReport.node(node(), zone(), state, next, due, blockedBy, message);
    }
}
