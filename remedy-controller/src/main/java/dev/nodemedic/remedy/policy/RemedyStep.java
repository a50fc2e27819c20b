package dev.nodemedic.remedy.policy;

import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One rung of the escalation ladder: exactly one of {@code taint}, {@code cordon}, {@code drain},
 * {@code requestReboot}, then {@code timeout} to wait for the node to recover before the next rung.
 * {@code onTimeout: Stop} ends the ladder there (the node then needs a person) instead of escalating.
 *
 * <p>{@code cordon} and {@code requestReboot} take no settings and are written {@code {}}. The generator
 * would make each a bare {@code type: object}, which the API server gives no CEL type: the rule below
 * then fails on every step that sets one ("invalid object type, expected either Properties or
 * AdditionalProperties"), so no policy with a cordon or a reboot request could be created. Each is
 * instead an object that keeps what it is given ({@code x-kubernetes-preserve-unknown-fields}, which CEL
 * reads as an empty object) and may hold nothing ({@code maxProperties: 0}): {@code cordon: {}} passes,
 * and {@code cordon: {force: true}} is refused rather than silently dropped.
 */
@ValidationRule(value = "[has(self.taint), has(self.cordon), has(self.drain), has(self.requestReboot)].filter(x, x).size() == 1",
        message = "a step has exactly one of taint, cordon, drain, requestReboot")
public record RemedyStep(
        TaintStep taint,
        @PreserveUnknownFields @Size(max = 0) CordonStep cordon,
        DrainStep drain,
        @PreserveUnknownFields @Size(max = 0) RebootStep requestReboot,
        @Required @Pattern(PolicyDefaults.DURATION_PATTERN) String timeout,
        @Default("Escalate") @Pattern("^(Escalate|Stop)$") String onTimeout) {

    public record TaintStep(
            @Required String key,
            String value,
            @Default("NoSchedule") @Pattern("^(NoSchedule|PreferNoSchedule|NoExecute)$") String effect) {
    }

    /** Marks the node unschedulable. Carries no settings; written as {@code cordon: {}}. */
    public record CordonStep() {
    }

    /** Evicts the node's pods through the Eviction API; DaemonSet and mirror pods stay. */
    public record DrainStep(
            // Absent: each pod's own terminationGracePeriodSeconds.
            Long gracePeriodSeconds) {
    }

    /** Asks for a reboot (an annotation and an Event) that kured or an operator's hook carries out. */
    public record RebootStep() {
    }
}
