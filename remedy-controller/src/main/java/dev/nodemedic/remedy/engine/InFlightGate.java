package dev.nodemedic.remedy.engine;

import java.util.Optional;

/** maxInFlight: how many of the policy's nodes may carry a remedy at once (those left to a person count too). */
final class InFlightGate implements Gate {
    @Override
    public Optional<Blocked> admit(String zone, Tally tally) {
        NodeCount max = tally.policy.budget().maxInFlight();
        int limit = max.of(tally.eligible);
        if (tally.inFlight() < limit) {
            return Optional.empty();
        }
        return Optional.of(Blocked.untilChange(Blocker.MAX_IN_FLIGHT, tally.inFlight() + " nodes carry a remedy, maxInFlight is " + max
                + (max.percent() ? " (" + limit + ")" : "")));
    }
}
