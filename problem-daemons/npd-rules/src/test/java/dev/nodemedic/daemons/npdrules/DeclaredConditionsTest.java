package dev.nodemedic.daemons.npdrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeclaredConditionsTest {
    private static final ConditionDeclaration DEADLOCK = new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock");

    private static RuleReport rule(RuleType type, String condition, String reason) {
        return RuleReport.checked(type, condition, reason, "OOMKilling", "KernelDeadlock");
    }

    @Test
    void permanentRulesDeclareTheirConditionAndTemporaryRulesTheirEventOnce() {
        DeclaredConditions declared = new DeclaredConditions(List.of(DEADLOCK), List.of(
                rule(RuleType.TEMPORARY, null, "OOMKilling"),
                rule(RuleType.PERMANENT, "KernelDeadlock", "DockerHung"),
                rule(RuleType.TEMPORARY, "", "OOMKilling")));

        assertThat(declared.reasons()).containsExactly(
                ReasonDeclaration.event("OOMKilling"), ReasonDeclaration.condition("KernelDeadlock", "DockerHung"));
        assertThat(declared.healthy("KernelDeadlock")).isEqualTo(DEADLOCK);
    }

    @Test
    void aPermanentRulesConditionMustBeDeclared() {
        assertThatThrownBy(() -> new DeclaredConditions(List.of(DEADLOCK), List.of(rule(RuleType.PERMANENT, "KernelDeadlok", "DockerHung"))))
                .hasMessage("rules[0].condition: KernelDeadlok is not declared in conditions (declared: KernelDeadlock);"
                        + " add it there with its healthy reason and message");
    }

    @Test
    void aConditionTypeIsDeclaredOnce() {
        assertThatThrownBy(() -> new DeclaredConditions(List.of(DEADLOCK, DEADLOCK), List.of()))
                .hasMessageStartingWith("conditions[1].type: KernelDeadlock is declared twice");
    }

    @Test
    void aTemporaryRuleNeedsNoCondition() {
        assertThat(new DeclaredConditions(List.of(), List.of(rule(RuleType.TEMPORARY, null, "TaskHung"))).reasons())
                .containsExactly(ReasonDeclaration.event("TaskHung"));
    }

    @Test
    void ruleFieldsAreCheckedWithTheDaemonsOwnExamples() {
        assertThatThrownBy(() -> rule(null, "", "OOMKilling")).hasMessageStartingWith("type: missing");
        assertThatThrownBy(() -> rule(RuleType.TEMPORARY, "", " ")).hasMessage("reason: missing; name the problem in one word, such as OOMKilling");
        assertThatThrownBy(() -> rule(RuleType.TEMPORARY, "", "OOM Killing"))
                .hasMessage("reason: \"OOM Killing\" must be one word, such as OOMKilling (no spaces)");
        assertThatThrownBy(() -> rule(RuleType.PERMANENT, null, "DockerHung"))
                .hasMessage("condition: missing; a permanent rule names the condition it sets, such as KernelDeadlock");
        assertThat(rule(RuleType.TEMPORARY, null, "OOMKilling").condition()).isEmpty();
    }
}
