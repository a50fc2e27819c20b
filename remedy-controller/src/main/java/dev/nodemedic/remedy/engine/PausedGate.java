package dev.nodemedic.remedy.engine;

import java.util.Optional;

/** spec.paused, or the controller's --paused: nothing is done at all, undo included. */
final class PausedGate implements Gate {
    @Override
    public Optional<Blocked> admit(String zone, Tally tally) {
        if (tally.fleet.paused()) {
            return Optional.of(Blocked.untilChange(Blocker.GLOBALLY_PAUSED, "the controller runs with --paused"));
        }
        if (tally.policy.paused()) {
            return Optional.of(Blocked.untilChange(Blocker.PAUSED, "the policy is paused (spec.paused)"));
        }
        return Optional.empty();
    }
}
