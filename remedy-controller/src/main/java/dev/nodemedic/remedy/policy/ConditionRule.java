package dev.nodemedic.remedy.policy;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A node is unhealthy under a rule when its condition {@code type} has had {@code status} for
 * {@code minDuration}, its reason matches {@code reasonPattern} (when given), and the condition's
 * heartbeat is younger than {@code maxHeartbeatAge} (its detector is still alive).
 */
public record ConditionRule(
        @Required @Pattern(PolicyDefaults.CONDITION_TYPE_PATTERN) String type,
        @Default("True") @Pattern("^(True|Unknown)$") String status,
        @Required @Pattern(PolicyDefaults.DURATION_PATTERN) String minDuration,
        String reasonPattern,
        // "0s" turns the check off, for conditions whose writer stops heartbeating on purpose
        // (the node lifecycle controller sets Ready=Unknown and keeps kubelet's last heartbeat).
        @Default(PolicyDefaults.MAX_HEARTBEAT_AGE) @Pattern(PolicyDefaults.DURATION_PATTERN) String maxHeartbeatAge) {
}
