package dev.nodemedic.remedy.engine;

import java.util.Optional;

/** The controller-wide maxInFlight, across every policy. */
final class ClusterInFlightGate implements Gate {
    @Override
    public Optional<Blocked> admit(String zone, Tally tally) {
        if (tally.fleet.maxInFlight().isEmpty() || tally.clusterInFlight() < tally.fleet.maxInFlight().getAsInt()) {
            return Optional.empty();
        }
        return Optional.of(Blocked.untilChange(Blocker.CLUSTER_MAX_IN_FLIGHT, tally.clusterInFlight()
                + " nodes in the cluster carry a remedy, the controller's limit is " + tally.fleet.maxInFlight().getAsInt()));
    }
}
