package dev.nodemedic.remedy.action;

import java.util.Objects;

/**
 * What became of one action on one node: the value the controller records in the policy's status,
 * its metrics and its ledger. API failures come back as {@link Outcome#FAILED}, never as an exception,
 * so one bad node cannot stop the controller's loop.
 *
 * @param action  what was asked
 * @param node    the node's name
 * @param outcome what happened
 * @param message a sentence for people: what was done or would be done, or why not
 */
public record ActionResult(ActionKind action, String node, Outcome outcome, String message) {
    public enum Outcome {
        /** Written to the API server. */
        APPLIED,
        /** Nothing to write: already so (ours), or not ours to change (a person's cordon, a taint someone else set). */
        UNCHANGED,
        /** Dry-run: {@link #message} says what would have been written; nothing was. */
        WOULD_APPLY,
        /** Not done on purpose: the node is gone, or another policy owns what is applied to it. */
        REFUSED,
        /** The API server failed or refused the write; worth trying again later. */
        FAILED;

        /** The metric label: {@code would_apply}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ActionResult {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
    }

    /** True when the node now is (or in dry-run would be) as the action asked. */
    public boolean done() {
        return outcome == Outcome.APPLIED || outcome == Outcome.UNCHANGED || outcome == Outcome.WOULD_APPLY;
    }
}
