package dev.nodemedic.remedy.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A NodeRemedyPolicy checked and compiled (durations parsed, regexes compiled, defaults applied):
 * what the engine decides with. Built by {@link PolicyCompiler}.
 *
 * @param actOnCordonedNodes act on a node a person cordoned as on any other; by default such a node is
 *                           left in that person's hands
 */
public record Policy(String name, long generation, NodeSelection selection, List<Rule> rules, List<LadderStep> ladder,
                     Budget budget, Duration healthyFor, boolean dryRun, boolean paused, boolean actOnCordonedNodes) {
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

    /** A node a person cordoned is in their hands, unless this policy opts in to acting on such nodes. */
    public boolean leavesToPerson(NodeSnapshot node) {
        return node.cordonedByPerson() && !actOnCordonedNodes;
    }
}
