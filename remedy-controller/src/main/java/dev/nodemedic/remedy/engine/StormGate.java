package dev.nodemedic.remedy.engine;

import java.util.Optional;

/**
 * maxUnhealthy: when more nodes are unhealthy than the budget allows, the cause is likely shared (a
 * bad rollout, a network partition, a detector bug) and acting would make the day worse: act on none.
 */
final class StormGate implements Gate {
    @Override
    public Optional<Blocked> admit(String zone, Tally tally) {
        if (!tally.storm) {
            return Optional.empty();
        }
        NodeCount max = tally.policy.budget().maxUnhealthy();
        return Optional.of(Blocked.untilChange(Blocker.MAX_UNHEALTHY, tally.unhealthy + " of " + tally.eligible
                + " nodes are unhealthy, above maxUnhealthy " + max + " (" + max.of(tally.eligible) + "): acting on none"));
    }
}
