package dev.nodemedic.daemon.api;

import java.util.Objects;

/**
 * A condition type a daemon owns, with its healthy default: what the node shows while nothing is
 * wrong, and after the agent restarts on a rebooted node.
 *
 * @param type           UpperCamelCase, such as {@code KernelDeadlock}; never one of kubelet's
 * @param healthyReason  such as {@code KernelHasNoDeadlock}
 * @param healthyMessage such as {@code kernel has no deadlock}
 */
public record ConditionDeclaration(String type, String healthyReason, String healthyMessage) {
    public ConditionDeclaration {
        Names.requireToken("condition type", type);
        if (KubeletConditions.OWNED.contains(type)) {
            throw new IllegalArgumentException("condition type " + type + " belongs to kubelet and cannot be declared by a daemon");
        }
        Names.requireToken("reason", healthyReason);
        Objects.requireNonNull(healthyMessage, "healthyMessage");
    }
}
