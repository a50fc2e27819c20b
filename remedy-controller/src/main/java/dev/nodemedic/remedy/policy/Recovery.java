package dev.nodemedic.remedy.policy;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** When a node counts as recovered: every rule's condition healthy, with a fresh heartbeat, for {@code healthyFor}. */
public record Recovery(
        @Default(PolicyDefaults.HEALTHY_FOR) @Pattern(PolicyDefaults.DURATION_PATTERN) String healthyFor) {
}
