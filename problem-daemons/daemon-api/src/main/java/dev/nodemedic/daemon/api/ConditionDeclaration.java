package dev.nodemedic.daemon.api;

import java.util.Set;

/**
 * A condition type a daemon owns, with its healthy default: what the node shows while nothing is
 * wrong, and after the agent restarts on a rebooted node.
 *
 * <p>The fields are named as in NPD's config files' {@code conditions} entries, so a daemon binds
 * those entries straight into this record.
 *
 * @param type    UpperCamelCase, such as {@code KernelDeadlock}; never one of kubelet's
 * @param reason  the healthy reason, such as {@code KernelHasNoDeadlock}
 * @param message the healthy message, such as {@code kernel has no deadlock}; empty when absent; at most
 *                {@link Condition#MAX_MESSAGE_BYTES} UTF-8 bytes (a declaration is refused, not cut)
 */
public record ConditionDeclaration(String type, String reason, String message) {
    /** The node condition types kubelet writes. Two writers of one condition would fight, so no daemon may claim these. */
    public static final Set<String> KUBELET_TYPES = Set.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable");

    public ConditionDeclaration {
        Names.requireToken("condition type", type);
        if (KUBELET_TYPES.contains(type)) {
            throw new IllegalArgumentException("condition type " + type + " belongs to kubelet and cannot be declared by a daemon");
        }
        Names.requireToken("reason", reason);
        message = message == null ? "" : message;
        int bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > Condition.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message: the healthy message of " + type + " is " + bytes + " bytes in UTF-8, at most "
                    + Condition.MAX_MESSAGE_BYTES + " are allowed; shorten it");
        }
    }
}
