package dev.nodemedic.remedy.policy;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * What a policy asks for. Optional fields are {@code null} when absent from the object: the API
 * server fills the schema's defaults, and {@link PolicyDefaults} applies the same ones for objects
 * that never passed through it (a mock server, a file), so the two cannot disagree.
 */
public record NodeRemedyPolicySpec(
        // Required, so that a forgotten selector never means "every node"; {} says that on purpose.
        @Required LabelSelector nodeSelector,
        @Default(PolicyDefaults.EXCLUDE_LABEL) String excludeLabel,
        @Required @Size(min = 1) List<ConditionRule> rules,
        @Required @Size(min = 1, max = 8) List<RemedyStep> actions,
        Budgets budgets,
        Recovery recovery,
        // True by default: a policy applied as written shows what it would do before it does anything.
        @Default("true") Boolean dryRun,
        @Default("false") Boolean paused,
        // A node a person cordoned is in their hands; true acts on it anyway (their cordon is still kept).
        @Default(PolicyDefaults.ACT_ON_CORDONED_NODES) Boolean actOnCordonedNodes) {
}
