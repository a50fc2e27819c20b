package dev.nodemedic.daemons.kernellog.rules;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * A config's rules compiled as the engine runs them: each pattern (and recover pattern) with NPD's
 * {@code \z} appended, and what the prefilter knows of it. The config binding builds this to refuse
 * a file, and the engine builds it again to run: one path, so {@code check-config}, the agent's
 * planner and the running daemon accept exactly the same files.
 *
 * <p>Bounds, beside {@link GoExpression}'s for each expression: at most {@link #MAX_RULES} rules,
 * checked before any pattern is compiled, and at most {@link #MAX_PROGRAM} instructions for all of
 * them together.
 */
public final class CompiledRules {
    /** NPD's largest rule file (kernel-monitor.json) has 11 rules; each rule is a regex run and a metric series. */
    public static final int MAX_RULES = 1000;
    /** Instructions of all of one file's expressions together: about 3 MiB of heap, of the agent's 64 MiB. */
    public static final int MAX_PROGRAM = 50_000;

    /**
     * One pattern to run: a rule's pattern, or its recover pattern.
     *
     * @param ruleIndex the rule's place in the file
     * @param recovery  whether this is the rule's recoverPattern
     * @param regex     the expression with NPD's {@code \z}
     */
    public record Compiled(int ruleIndex, Rule rule, boolean recovery, Pattern regex, RequiredLiterals literals) {
    }

    private final List<Compiled> patterns;

    private CompiledRules(List<Compiled> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Compiles {@code rules}, recover patterns before patterns (a line that both recovers and raises a
     * condition leaves it raised).
     *
     * @throws IllegalArgumentException naming the rule ({@code rules[3].pattern: ...}) and the bound or syntax error
     */
    public static CompiledRules compile(List<Rule> rules) {
        if (rules.size() > MAX_RULES) {
            throw new IllegalArgumentException("rules: " + rules.size() + " rules, at most " + MAX_RULES + " are allowed in one file;"
                    + " split them among several daemon instances (one config file each)");
        }
        long total = 0;
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            total += measured(i, "pattern", rule.pattern());
            if (!rule.recoverPattern().isEmpty()) {
                total += measured(i, "recoverPattern", rule.recoverPattern());
            }
            if (total > MAX_PROGRAM) {
                throw new IllegalArgumentException("rules[" + i + "]: the patterns up to this rule would compile to about " + total
                        + " instructions, at most " + MAX_PROGRAM + " are allowed for one file; split the rules among several daemon instances"
                        + " or repeat less in the patterns");
            }
        }
        return GoExpression.onCompilerStack(() -> {
            List<Compiled> out = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                Rule rule = rules.get(i);
                if (!rule.recoverPattern().isEmpty()) {
                    out.add(compiled(i, rule, true, rule.recoverPattern()));
                }
                out.add(compiled(i, rule, false, rule.pattern()));
            }
            return new CompiledRules(out);
        });
    }

    private static int measured(int index, String field, String expression) {
        try {
            return GoExpression.measure(field, expression);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rules[" + index + "]." + e.getMessage(), e);
        }
    }

    private static Compiled compiled(int index, Rule rule, boolean recovery, String expression) {
        String field = recovery ? "recoverPattern" : "pattern";
        try {
            // The expression alone first: a syntax error quotes what the file says.
            GoExpression.compileMeasured(field, expression);
            // NPD's CompilePattern appends \z without a group, so in "a|b" only b is anchored at the end;
            // kept so for compatibility (RequiredLiterals treats such a pattern as spanning lines).
            Pattern regex = GoExpression.compileMeasured(field, expression + "\\z");
            return new Compiled(index, rule, recovery, regex, RequiredLiterals.of(expression));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rules[" + index + "]." + e.getMessage(), e);
        }
    }

    /** Every pattern to run, in rule order, a rule's recover pattern before its pattern. */
    public List<Compiled> patterns() {
        return patterns;
    }
}
