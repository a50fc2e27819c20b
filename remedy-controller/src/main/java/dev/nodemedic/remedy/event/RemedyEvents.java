package dev.nodemedic.remedy.event;

/**
 * Events on the node (involvedObject Node, source component {@value #COMPONENT}): every action and every
 * refusal says so where {@code kubectl describe node} shows it. A repeat of the same reason and message
 * on a node raises the existing Event's count instead of adding one.
 */
public interface RemedyEvents {
    String COMPONENT = "nodemedic-remedy";

    /**
     * Records the Event and returns without waiting for the API server: an Event is never worth stopping or delaying an
     * action for, so its write goes on elsewhere and a failure is logged and counted, not thrown.
     */
    void record(String node, RemedyReason reason, String message);
}
