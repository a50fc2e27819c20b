package dev.nodemedic.remedy.engine;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The budgets' running state during one pass: what is in flight now (from the ledgers) plus what
 * this pass has already admitted, so two nodes admitted in the same pass count against each other.
 */
final class Tally {
    final Policy policy;
    final Fleet fleet;
    final Instant now;
    final int eligible;
    final int unhealthy;
    final boolean storm;
    final Optional<Instant> cooldownUntil;
    private int inFlight;
    private int clusterInFlight;
    private final Map<String, Integer> inFlightByZone = new HashMap<>();
    private Optional<Instant> lastAdmission;

    Tally(Policy policy, Fleet fleet, Instant now, int eligible, int unhealthy, boolean storm, Optional<Instant> cooldownUntil,
          Optional<Instant> lastAdmission) {
        this.policy = policy;
        this.fleet = fleet;
        this.now = now;
        this.eligible = eligible;
        this.unhealthy = unhealthy;
        this.storm = storm;
        this.cooldownUntil = cooldownUntil;
        this.clusterInFlight = fleet.inFlight();
        this.lastAdmission = lastAdmission;
    }

    void countInFlight(String zone) {
        inFlight++;
        inFlightByZone.merge(zone, 1, Integer::sum);
    }

    void admitted(String zone) {
        countInFlight(zone);
        clusterInFlight++;
        lastAdmission = Optional.of(now);
    }

    int inFlight() {
        return inFlight;
    }

    int clusterInFlight() {
        return clusterInFlight;
    }

    int inFlightIn(String zone) {
        return inFlightByZone.getOrDefault(zone, 0);
    }

    Optional<Instant> lastAdmission() {
        return lastAdmission;
    }
}
