package dev.nodemedic.remedy.action;

/**
 * Drains a node through the Eviction API (policy/v1), one non-blocking round at a time, honouring
 * PodDisruptionBudgets and leaving DaemonSet pods and mirror pods alone. The node should be cordoned
 * first (a ladder's cordon step), or evicted pods may be scheduled straight back onto it.
 */
public interface Drainer {
    /** Evicts what may be evicted now and reports what is left, and when the next round is due. */
    DrainRound round(String node, String policy, DrainOptions options);

    /** Drops what the drainer remembers about the node (its 429 backoff), when the controller gives up or the drain is undone. */
    void forget(String node);
}
