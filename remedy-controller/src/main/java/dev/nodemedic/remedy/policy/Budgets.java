package dev.nodemedic.remedy.policy;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The limits that keep a bad day from getting worse. Counts may be written as a number or a
 * percentage of the policy's eligible nodes ({@code "20%"}, rounded up as a PodDisruptionBudget's
 * maxUnavailable is).
 */
public record Budgets(
        // Above this many unhealthy nodes the policy acts on none (a storm: the cause is likely shared).
        @Default(PolicyDefaults.MAX_UNHEALTHY) IntOrString maxUnhealthy,
        @Default("1") IntOrString maxInFlight,
        @Default("1") @Min(0) Integer maxPerZone,
        @Default(PolicyDefaults.MIN_INTERVAL) @Pattern(PolicyDefaults.DURATION_PATTERN) String minInterval,
        @Default(PolicyDefaults.STORM_COOLDOWN) @Pattern(PolicyDefaults.DURATION_PATTERN) String stormCooldown,
        @Default("3") @Min(1) Integer maxAttempts,
        @Default(PolicyDefaults.ATTEMPT_WINDOW) @Pattern(PolicyDefaults.DURATION_PATTERN) String attemptWindow) {
}
