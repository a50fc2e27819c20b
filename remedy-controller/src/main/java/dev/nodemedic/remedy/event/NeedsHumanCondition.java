package dev.nodemedic.remedy.event;

import dev.nodemedic.remedy.action.ActionResult;

/**
 * The NodeCondition {@value #TYPE} on the node: {@code True} once a policy has used up its attempts on
 * it, so the controller stops touching it and a person sees why in {@code kubectl describe node}.
 * Written with a strategic merge patch of {@code nodes/{name}/status} holding only this entry (merge
 * key {@code type}), so kubelet's and the detectors' conditions are never touched.
 */
public interface NeedsHumanCondition {
    String TYPE = "NodeRemedyNeedsHuman";

    /** Sets the condition {@code True}, reason {@code reason} (such as {@code MaxAttemptsReached}), naming the policy in the message. */
    ActionResult raise(String node, String policy, String reason, String message);

    /** Removes the condition entry (a person dealt with the node, or the policy let it go). */
    ActionResult clear(String node);
}
