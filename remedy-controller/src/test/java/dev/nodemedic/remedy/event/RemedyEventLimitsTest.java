package dev.nodemedic.remedy.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.events.EventCorrelator;
import dev.nodemedic.apiserver.events.EventDecision;
import dev.nodemedic.apiserver.events.EventLimits;
import dev.nodemedic.daemon.api.Event;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The correlator's caches as the recorder sizes them: every node the controller is sized for keeps its budget. */
class RemedyEventLimitsTest {
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private EventDecision cordoned(EventCorrelator correlator, String node) {
        RemedyReason reason = RemedyReason.RemedyCordoned;
        return correlator.decide(node, new Event(RemedyEvents.COMPONENT, reason.severity(), reason.name(), "policy p cordoned node " + node, now), now);
    }

    /** node-0 spends its budget, then every other node the controller is sized for records once. */
    private EventDecision node0AfterTheFleet(EventLimits limits) {
        EventCorrelator correlator = new EventCorrelator(limits);
        for (int i = 0; i < limits.burst(); i++) {
            cordoned(correlator, "node-0");
        }
        for (int n = 1; n < RemedyEventRecorder.TRACKED_NODES; n++) {
            cordoned(correlator, "node-" + n);
        }
        return cordoned(correlator, "node-0");
    }

    @Test
    void aNodeKeepsItsSpentBudgetWhileEveryNodeTheControllerIsSizedForRecords() {
        assertThat(RemedyEventRecorder.LIMITS.cacheEntries()).isEqualTo(RemedyEventRecorder.TRACKED_NODES);
        assertThat(node0AfterTheFleet(RemedyEventRecorder.LIMITS)).isInstanceOf(EventDecision.Drop.class);
    }

    @Test
    void withClientGosCachesTheSameNodeWouldGetAFreshBurst() {
        assertThat(node0AfterTheFleet(EventLimits.CLIENT_GO)).isNotInstanceOf(EventDecision.Drop.class);
    }
}
