package dev.nodemedic.apiserver;

import java.util.Optional;

/**
 * Which of our two processes made a failed call. The failure is classified the same for both; what a
 * person should check differs: each runs under its own ServiceAccount and ClusterRole, and only the
 * agent's calls all concern one Node, its own, whose name it may have been given wrong.
 */
public enum Caller {
    /** The node agent: its reporter writes its Node's status and Events on it. */
    AGENT(Optional.of("check --node-name / NODE_NAME, or kubelet has not registered it yet"),
            "the agent's ClusterRole needs nodes get and watch, nodes/status patch, events create and patch"),
    /** The remedy controller: its actions on many Nodes, their pods and its own resources. */
    CONTROLLER(Optional.empty(), "the controller's ClusterRole lacks this verb (see the remedy controller's README, RBAC)");

    private final Optional<String> notFound;
    private final String forbidden;

    Caller(Optional<String> notFound, String forbidden) {
        this.notFound = notFound;
        this.forbidden = forbidden;
    }

    /** What to check on a 404, where that is more than "it was deleted meanwhile". */
    Optional<String> notFound() {
        return notFound;
    }

    /** What to fix on a 403. */
    String forbidden() {
        return forbidden;
    }
}
