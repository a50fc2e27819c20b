package dev.nodemedic.remedy.action;

/**
 * What the controller does to a Node object. Every change carries the policy's mark (annotations
 * under {@link RemedyAnnotations}), so {@link #undo} takes back exactly what a policy applied and
 * nothing else: a node a person cordoned stays cordoned. Each call reads the node fresh and returns a
 * value; none throws for an API failure.
 */
public interface NodeActions {
    /** Adds {@code taint} unless a taint with its key and effect is already there (then it is not ours to remove later). */
    ActionResult taint(String node, String policy, NodeTaint taint);

    /** Marks the node unschedulable, unless it already is: then the cordon is someone else's and stays theirs. */
    ActionResult cordon(String node, String policy);

    /**
     * Asks for a reboot: annotation {@link RemedyAnnotations#REBOOT_REQUESTED} (the time asked) plus an
     * Event. kured (its {@code --reboot-sentinel-command}) or an operator's hook does the reboot.
     */
    ActionResult requestReboot(String node, String policy, String why);

    /** Removes what {@code policy} applied to the node (its taints, its cordon, its reboot request) and its marks. */
    ActionResult undo(String node, String policy);
}
