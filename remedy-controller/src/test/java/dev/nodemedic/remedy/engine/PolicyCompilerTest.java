package dev.nodemedic.remedy.engine;

import static dev.nodemedic.remedy.engine.Fixtures.cordon;
import static dev.nodemedic.remedy.engine.Fixtures.policy;
import static dev.nodemedic.remedy.engine.Fixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.remedy.policy.Budgets;
import dev.nodemedic.remedy.policy.ConditionRule;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicySpec;
import dev.nodemedic.remedy.policy.RemedyStep;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyCompilerTest {
    private final PolicyCompiler compiler = new PolicyCompiler();

    private static NodeRemedyPolicy with(UnaryOperator<NodeRemedyPolicySpec> change) {
        NodeRemedyPolicy resource = policy().resource();
        resource.setSpec(change.apply(resource.getSpec()));
        return resource;
    }

    private static NodeRemedyPolicySpec spec(NodeRemedyPolicySpec s, List<ConditionRule> rules, List<RemedyStep> actions, Budgets budgets) {
        return new NodeRemedyPolicySpec(s.nodeSelector(), s.excludeLabel(), rules, actions, budgets, s.recovery(), s.dryRun(), s.paused(), s.actOnCordonedNodes());
    }

    @Test
    void absentFieldsTakeTheSchemaDefaults() {
        NodeRemedyPolicy resource = with(s -> new NodeRemedyPolicySpec(new LabelSelector(), null, s.rules(), s.actions(), null, null, null, null, null));

        Policy policy = compiler.compile(resource);

        assertThat(policy.dryRun()).isTrue();
        assertThat(policy.paused()).isFalse();
        assertThat(policy.actOnCordonedNodes()).isFalse();
        assertThat(policy.selection().excludeLabel()).isEqualTo("remedy.nodemedic.dev/exclude");
        assertThat(policy.budget()).isEqualTo(new Budget(new NodeCount(20, true), new NodeCount(1, false), 1, Duration.ofMinutes(5),
                Duration.ofMinutes(30), 3, Duration.ofHours(24)));
        assertThat(policy.healthyFor()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.rules().getFirst().maxHeartbeatAge()).isEqualTo(Duration.ofMinutes(15));
        assertThat(policy.rules().getFirst().status()).isEqualTo(ConditionStatus.TRUE);
    }

    @Test
    void durationsReadAsKubernetesWritesThem() {
        NodeRemedyPolicy resource = with(s -> spec(s, List.of(rule("KernelDeadlock", "1h30m")), List.of(cordon("90s"),
                new RemedyStep(null, null, new RemedyStep.DrainStep(null), null, "500ms", "Stop")), s.budgets()));

        Policy policy = compiler.compile(resource);

        assertThat(policy.rules().getFirst().minDuration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(policy.ladder().get(0).timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(policy.ladder().get(1).timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.ladder().get(1).stopOnTimeout()).isTrue();
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("bad duration", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, List.of(rule("KernelDeadlock", "5 minutes")), s.actions(), s.budgets()),
                        "noderemedypolicy/kernel spec.rules[0].minDuration: \"5 minutes\" is not a duration (write it as 90s, 5m or 1h30m); the policy is not acted on until it is fixed"),
                Arguments.of("False status", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, List.of(new ConditionRule("KernelDeadlock", "False", "5m", null, null)), s.actions(), s.budgets()),
                        "spec.rules[0].status: \"False\" must be True or Unknown (False is the healthy status)"),
                Arguments.of("bad regex", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, List.of(new ConditionRule("KernelDeadlock", "True", "5m", "Docker(", null)), s.actions(), s.budgets()),
                        "spec.rules[0].reasonPattern: \"Docker(\" is not a regular expression: Unclosed group"),
                Arguments.of("two actions in a step", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, s.rules(),
                                List.of(new RemedyStep(null, new RemedyStep.CordonStep(), new RemedyStep.DrainStep(null), null, "5m", null)), s.budgets()),
                        "spec.actions[0]: has 2 of taint, cordon, drain, requestReboot; a step has exactly one"),
                Arguments.of("no action in a step", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, s.rules(),
                                List.of(new RemedyStep(null, null, null, null, "5m", null)), s.budgets()),
                        "spec.actions[0]: has 0 of taint, cordon, drain, requestReboot"),
                Arguments.of("bad onTimeout", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, s.rules(),
                                List.of(new RemedyStep(null, new RemedyStep.CordonStep(), null, null, "5m", "Retry")), s.budgets()),
                        "spec.actions[0].onTimeout: \"Retry\" is not Escalate or Stop"),
                Arguments.of("bad taint effect", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, s.rules(),
                                List.of(new RemedyStep(new RemedyStep.TaintStep("k", "v", "NoRun"), null, null, null, "5m", null)), s.budgets()),
                        "spec.actions[0].taint.effect: \"NoRun\" is not one of NoSchedule, PreferNoSchedule, NoExecute"),
                Arguments.of("no rules", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, List.of(), s.actions(), s.budgets()),
                        "spec.rules: needs at least one rule"),
                Arguments.of("bad count", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, s.rules(), s.actions(),
                                new Budgets(new IntOrString("a fifth"), null, null, null, null, null, null)),
                        "spec.budgets.maxUnhealthy: \"a fifth\" is not a node count (write a number such as 2 or a percentage such as \"20%\")"),
                Arguments.of("over 100%", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, s.rules(), s.actions(),
                                new Budgets(null, new IntOrString("150%"), null, null, null, null, null)),
                        "spec.budgets.maxInFlight: \"150%\" is more than 100%"),
                Arguments.of("zero attempts", (UnaryOperator<NodeRemedyPolicySpec>) s -> spec(s, s.rules(), s.actions(),
                                new Budgets(null, null, null, null, null, 0, null)),
                        "spec.budgets.maxAttempts: 0 must be at least 1"),
                Arguments.of("missing selector", (UnaryOperator<NodeRemedyPolicySpec>) s -> new NodeRemedyPolicySpec(null, null, s.rules(), s.actions(), null, null, null, null, null),
                        "spec.nodeSelector: is missing (write {} to select every node on purpose)"),
                Arguments.of("bad operator", (UnaryOperator<NodeRemedyPolicySpec>) s -> new NodeRemedyPolicySpec(
                                new LabelSelector(List.of(new LabelSelectorRequirement("pool", "Equals", List.of("gpu"))), null), null, s.rules(), s.actions(), null, null, null, null, null),
                        "spec.nodeSelector.matchExpressions[0].operator: \"Equals\" is not one of In, NotIn, Exists, DoesNotExist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeIsNamedWithItsField(String what, UnaryOperator<NodeRemedyPolicySpec> change, String message) {
        assertThatThrownBy(() -> compiler.compile(with(change)))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining(message)
                .hasMessageStartingWith("noderemedypolicy/kernel ");
    }

    @Test
    void aSelectorMatchesAsKubernetesDoes() {
        NodeRemedyPolicy resource = with(s -> new NodeRemedyPolicySpec(new LabelSelector(List.of(
                new LabelSelectorRequirement("pool", "In", List.of("gpu", "tpu")),
                new LabelSelectorRequirement("spot", "DoesNotExist", List.of())), java.util.Map.of("env", "prod")),
                "maintenance", s.rules(), s.actions(), null, null, null, null, null));

        NodeSelection selection = compiler.compile(resource).selection();

        assertThat(selection.selects(java.util.Map.of("env", "prod", "pool", "tpu"))).isTrue();
        assertThat(selection.selects(java.util.Map.of("env", "prod", "pool", "cpu"))).isFalse();
        assertThat(selection.selects(java.util.Map.of("env", "prod", "pool", "gpu", "spot", "true"))).isFalse();
        assertThat(selection.selects(java.util.Map.of("pool", "gpu"))).isFalse();
        assertThat(selection.selects(java.util.Map.of("env", "prod", "pool", "gpu", "maintenance", "yes"))).isFalse();
    }
}
