package dev.nodemedic.remedy.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A NodeRemedyPolicy checked and compiled (durations parsed, regexes compiled, defaults applied):
 * what the engine decides with. Built by {@link PolicyCompiler}.
 */
public record Policy(String name, long generation, NodeSelection selection, List<Rule> rules, List<LadderStep> ladder,
                     Budget budget, Duration healthyFor, boolean dryRun, boolean paused) {
    public Policy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(selection, "selection");
        rules = List.copyOf(rules);
        ladder = List.copyOf(ladder);
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(healthyFor, "healthyFor");
        if (rules.isEmpty() || ladder.isEmpty()) {
            throw new IllegalArgumentException("policy " + name + " needs at least one rule and one action");
        }
    }
}
