package dev.nodemedic.daemon.api;

import java.util.Objects;
import java.util.Set;

/**
 * A condition type a daemon owns, with its healthy default: what the node shows while nothing is
 * wrong, and after the agent restarts on a rebooted node.
 *
 * @param type           UpperCamelCase, such as {@code KernelDeadlock}; never one of kubelet's
 * @param healthyReason  such as {@code KernelHasNoDeadlock}
 * @param healthyMessage such as {@code kernel has no deadlock}
 */
public record ConditionDeclaration(String type, String healthyReason, String healthyMessage) {
    /** The node condition types kubelet writes. Two writers of one condition would fight, so no daemon may claim these. */
    public static final Set<String> KUBELET_TYPES = Set.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable");

    public ConditionDeclaration {
        Names.requireToken("condition type", type);
        if (KUBELET_TYPES.contains(type)) {
            throw new IllegalArgumentException("condition type " + type + " belongs to kubelet and cannot be declared by a daemon");
        }
        Names.requireToken("reason", healthyReason);
        Objects.requireNonNull(healthyMessage, "healthyMessage");
    }
}
