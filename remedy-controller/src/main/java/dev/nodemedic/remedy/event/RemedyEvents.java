package dev.nodemedic.remedy.event;

/**
 * Events on the node (involvedObject Node, source component {@value #COMPONENT}): every action and every
 * refusal says so where {@code kubectl describe node} shows it. A repeat of the same reason and message
 * on a node raises the existing Event's count instead of adding one.
 */
public interface RemedyEvents {
    String COMPONENT = "nodemedic-remedy";

    /** Records the Event; an API failure is logged and counted, not thrown, since an Event is never worth stopping an action for. */
    void record(String node, RemedyReason reason, String message);
}
