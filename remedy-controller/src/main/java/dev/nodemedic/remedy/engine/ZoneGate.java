package dev.nodemedic.remedy.engine;

import java.util.Optional;

/** maxPerZone: remedies in flight per topology.kubernetes.io/zone, so one zone never loses more than that. */
final class ZoneGate implements Gate {
    @Override
    public Optional<Blocked> admit(String zone, Tally tally) {
        int max = tally.policy.budget().maxPerZone();
        int inZone = tally.inFlightIn(zone);
        if (inZone < max) {
            return Optional.empty();
        }
        String where = zone.isEmpty() ? "nodes without a zone label" : "zone " + zone;
        return Optional.of(Blocked.untilChange(Blocker.MAX_PER_ZONE, inZone + " nodes in " + where + " carry a remedy, maxPerZone is " + max));
    }
}
