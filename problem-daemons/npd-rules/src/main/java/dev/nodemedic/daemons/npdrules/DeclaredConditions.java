package dev.nodemedic.daemons.npdrules;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A monitor config's {@code conditions} and the {@code rules} that report into them, checked together
 * as NPD's files must be: each condition type declared once, and every permanent rule's condition
 * declared (with its healthy reason and message), since the agent sets a condition only to a type some
 * daemon owns.
 */
public record DeclaredConditions(List<ConditionDeclaration> conditions, List<? extends NpdRule> rules) {
    public DeclaredConditions {
        conditions = List.copyOf(conditions);
        rules = List.copyOf(rules);
        Set<String> declared = new HashSet<>();
        for (int i = 0; i < conditions.size(); i++) {
            if (!declared.add(conditions.get(i).type())) {
                throw new IllegalArgumentException("conditions[" + i + "].type: " + conditions.get(i).type() + " is declared twice; keep one entry");
            }
        }
        for (int i = 0; i < rules.size(); i++) {
            NpdRule rule = rules.get(i);
            if (rule.type() == RuleType.PERMANENT && !declared.contains(rule.condition())) {
                throw new IllegalArgumentException("rules[" + i + "].condition: " + rule.condition() + " is not declared in conditions (declared: "
                        + String.join(", ", declared.stream().sorted().toList()) + "); add it there with its healthy reason and message");
            }
        }
    }

    /**
     * What the rules can report, for {@code ProblemDaemon.reasons}: each temporary rule's event reason and
     * each permanent rule's condition with its reason, the series NPD's {@code initializeProblemMetricsOrDie}
     * puts at 0 when a monitor starts.
     */
    public List<ReasonDeclaration> reasons() {
        return rules.stream().map(NpdRule::declaration).distinct().toList();
    }

    /** The healthy default of {@code type}, which the constructor checked is declared when a rule sets it. */
    public ConditionDeclaration healthy(String type) {
        for (ConditionDeclaration condition : conditions) {
            if (condition.type().equals(type)) {
                return condition;
            }
        }
        throw new IllegalArgumentException("condition " + type + " is not declared");
    }
}
