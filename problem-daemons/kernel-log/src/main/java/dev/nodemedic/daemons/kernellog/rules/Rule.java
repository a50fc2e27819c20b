package dev.nodemedic.daemons.kernellog.rules;

import dev.nodemedic.daemons.npdrules.NpdRule;
import dev.nodemedic.daemons.npdrules.RuleReport;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.time.Duration;

/**
 * One rule of NPD's {@code rules}. The pattern is a Go (RE2) regular expression matched against the
 * last {@code bufferSize} lines joined by {@code \n}, and must match at the end of them.
 *
 * @param type           temporary (an Event) or permanent (sets {@code condition})
 * @param condition      the condition a permanent rule sets; NPD ignores it on temporary rules
 * @param reason         the Event's or the condition's reason
 * @param pattern        what to look for
 * @param recoverPattern ours, optional (empty when absent): on a permanent rule, what puts its condition back to healthy
 * @param clearAfter     ours, optional ({@link Duration#ZERO} when absent): on a permanent rule, how long after its
 *                       last match its condition goes back to healthy. NPD's permanent conditions never recover
 *                       without a restart.
 */
public record Rule(RuleType type, String condition, String reason, String pattern, String recoverPattern, Duration clearAfter) implements NpdRule {
    public Rule {
        condition = RuleReport.checked(type, condition, reason, "OOMKilling", "KernelDeadlock").condition();
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern: missing; write the Go regular expression this rule looks for");
        }
        // Measured only, in one linear pass: the file's rules are compiled together (CompiledRules) once
        // their number is known to be within bounds, so 100,000 rules are refused before one compiles.
        GoExpression.measure("pattern", pattern);
        recoverPattern = recoverPattern == null ? "" : recoverPattern;
        clearAfter = clearAfter == null ? Duration.ZERO : clearAfter;
        if (type == RuleType.TEMPORARY && (!recoverPattern.isEmpty() || !clearAfter.isZero())) {
            throw new IllegalArgumentException("recoverPattern/clearAfter: only a permanent rule has a condition to recover; remove them or make the rule permanent");
        }
        if (!recoverPattern.isEmpty()) {
            GoExpression.measure("recoverPattern", recoverPattern);
        }
        if (clearAfter.isNegative()) {
            throw new IllegalArgumentException("clearAfter: " + clearAfter + " is negative; write how long after its last match the condition clears, such as 30m");
        }
    }

    /** A temporary rule, as most of NPD's are. */
    public static Rule temporary(String reason, String pattern) {
        return new Rule(RuleType.TEMPORARY, "", reason, pattern, "", Duration.ZERO);
    }

    /** A permanent rule that never recovers by itself, as NPD's are. */
    public static Rule permanent(String condition, String reason, String pattern) {
        return new Rule(RuleType.PERMANENT, condition, reason, pattern, "", Duration.ZERO);
    }
}
