package dev.nodemedic.apiserver.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCorrelatorTest {
    private final ManualClock clock = new ManualClock();
    private final EventCorrelator correlator = new EventCorrelator(EventLimits.CLIENT_GO);

    private Event oom(String message) {
        return new Event("kernel-monitor", Severity.WARNING, "OOMKilling", message, clock.instant());
    }

    @Test
    void aFirstEventIsCreatedOnTheNode() {
        EventDecision decision = correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant());

        assertThat(decision).isInstanceOf(EventDecision.Create.class);
        EventRecord record = decision.record();
        assertThat(record.name()).startsWith("node-a.");
        assertThat(record.source()).isEqualTo("kernel-monitor");
        assertThat(record.node()).isEqualTo("node-a");
        assertThat(record.count()).isEqualTo(1);
        assertThat(record.firstTimestamp()).isEqualTo(clock.instant());
        assertThat(((EventDecision.Create) decision).combined()).isFalse();
    }

    @Test
    void repeatedOomKillsBecomeOneEventWithCount() {
        EventRecord first = correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant()).record();
        clock.advance(Duration.ofSeconds(30));

        EventDecision again = correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant());

        assertThat(again).isInstanceOf(EventDecision.Patch.class);
        assertThat(again.record().name()).isEqualTo(first.name());
        assertThat(again.record().count()).isEqualTo(2);
        assertThat(again.record().firstTimestamp()).isEqualTo(first.firstTimestamp());
        assertThat(again.record().lastTimestamp()).isEqualTo(clock.instant());
    }

    @Test
    void fromTheTenthDistinctMessageSimilarEventsAreCombined() {
        List<EventDecision> decisions = new ArrayList<>();
        for (int pid = 1; pid <= 12; pid++) {
            decisions.add(correlator.decide("node-a", oom("Killed process " + pid), clock.instant()));
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(decisions.subList(0, 9)).allSatisfy(d -> assertThat(d).isInstanceOf(EventDecision.Create.class)
                .satisfies(c -> assertThat(((EventDecision.Create) c).combined()).isFalse()));
        EventDecision tenth = decisions.get(9);
        assertThat(tenth).isInstanceOf(EventDecision.Create.class);
        assertThat(((EventDecision.Create) tenth).combined()).isTrue();
        assertThat(tenth.record().message()).isEqualTo("(combined from similar events): Killed process 10");
        // Further distinct messages count up the one combined Event instead of making new ones.
        assertThat(decisions.get(10)).isInstanceOf(EventDecision.Patch.class);
        assertThat(decisions.get(11).record().name()).isEqualTo(tenth.record().name());
        assertThat(decisions.get(11).record().count()).isEqualTo(3);
        assertThat(decisions.get(11).record().message()).isEqualTo("(combined from similar events): Killed process 12");
    }

    @Test
    void distinctMessagesOlderThanTheWindowDoNotCountTowardsAggregation() {
        for (int pid = 1; pid <= 9; pid++) {
            correlator.decide("node-a", oom("Killed process " + pid), clock.instant());
        }
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));

        EventDecision tenth = correlator.decide("node-a", oom("Killed process 10"), clock.instant());

        assertThat(tenth).isInstanceOf(EventDecision.Create.class);
        assertThat(((EventDecision.Create) tenth).combined()).isFalse();
    }

    @Test
    void differentReasonsAndSourcesAreNotAggregatedTogether() {
        for (int i = 1; i <= 9; i++) {
            correlator.decide("node-a", oom("Killed process " + i), clock.instant());
        }
        EventDecision other = correlator.decide("node-a", new Event("kernel-monitor", Severity.WARNING, "TaskHung", "task x blocked", clock.instant()), clock.instant());
        EventDecision otherSource = correlator.decide("node-a", new Event("docker-monitor", Severity.WARNING, "OOMKilling", "Killed process 99", clock.instant()), clock.instant());

        assertThat(((EventDecision.Create) other).combined()).isFalse();
        assertThat(((EventDecision.Create) otherSource).combined()).isFalse();
    }

    @Test
    void aStormIsCutToTheBurstAndRefillsOneCallPerFiveMinutes() {
        List<EventDecision> decisions = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            decisions.add(correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant()));
        }

        assertThat(decisions.stream().filter(d -> !(d instanceof EventDecision.Drop))).hasSize(25);
        assertThat(correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant())).isInstanceOf(EventDecision.Drop.class);

        clock.advance(Duration.ofMinutes(5));
        EventDecision refilled = correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant());
        assertThat(refilled).isInstanceOf(EventDecision.Patch.class);
        // Dropped repeats still counted: the patch that gets through carries the true count.
        assertThat(refilled.record().count()).isEqualTo(1002);
        assertThat(correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant())).isInstanceOf(EventDecision.Drop.class);
    }

    @Test
    void eachSourceHasItsOwnBudget() {
        for (int i = 0; i < 30; i++) {
            correlator.decide("node-a", oom("Killed process " + i), clock.instant());
        }
        EventDecision other = correlator.decide("node-a", new Event("custom-plugin", Severity.WARNING, "NTPProblem", "ntp is down", clock.instant()), clock.instant());

        assertThat(other).isInstanceOf(EventDecision.Create.class);
    }

    @Test
    void cachesStayBoundedThroughEndlessDistinctEvents() {
        EventCorrelator small = new EventCorrelator(new EventLimits(10, Duration.ofMinutes(10), 25, Duration.ofMinutes(5), 64));
        for (int i = 0; i < 10_000; i++) {
            small.decide("node-a", new Event("source-" + i, Severity.WARNING, "Reason" + i, "message " + i, clock.instant()), clock.instant());
        }

        assertThat(small.cachedEntries()).isLessThanOrEqualTo(128);
    }

    @Test
    void eventsInTheSameInstantStillGetDistinctNames() {
        String first = correlator.decide("node-a", oom("a"), clock.instant()).record().name();
        String second = correlator.decide("node-a", oom("b"), clock.instant()).record().name();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void keysDoNotCollideWhenFieldsGlueTogether() {
        EventCorrelator correlator = new EventCorrelator(EventLimits.CLIENT_GO);
        EventRecord ab = correlator.decide("node-a", new Event("ab", Severity.WARNING, "C", "m", clock.instant()), clock.instant()).record();
        EventDecision a = correlator.decide("node-a", new Event("a", Severity.WARNING, "bC", "m", clock.instant()), clock.instant());

        assertThat(a).isInstanceOf(EventDecision.Create.class);
        assertThat(a.record().name()).isNotEqualTo(ab.name());
    }

    @Test
    void eachNodeHasItsOwnEventsAndBudget() {
        for (int i = 0; i < 30; i++) {
            correlator.decide("node-a", oom("Killed process 42 (java)"), clock.instant());
        }

        EventDecision onB = correlator.decide("node-b", oom("Killed process 42 (java)"), clock.instant());

        assertThat(onB).isInstanceOf(EventDecision.Create.class);
        assertThat(onB.record().node()).isEqualTo("node-b");
        assertThat(onB.record().name()).startsWith("node-b.");
        assertThat(onB.record().count()).isEqualTo(1);
    }

    /** Spends node-0's budget, then has {@code others} more nodes each send one event: is node-0's next still dropped? */
    private EventDecision afterOtherNodes(EventCorrelator correlator, int others) {
        for (int i = 0; i < 30; i++) {
            correlator.decide("node-0", oom("Killed process 42 (java)"), clock.instant());
        }
        for (int n = 1; n <= others; n++) {
            correlator.decide("node-" + n, oom("Killed process 42 (java)"), clock.instant());
        }
        return correlator.decide("node-0", oom("Killed process 42 (java)"), clock.instant());
    }

    @Test
    void pastClientGosCacheANodesSpentBudgetIsForgottenAndComesBackFull() {
        assertThat(afterOtherNodes(correlator, 4_096)).isNotInstanceOf(EventDecision.Drop.class);
    }

    @Test
    void cachesSizedToTheNodesKeepEachNodesBudgetPastClientGosSize() {
        EventCorrelator sized = new EventCorrelator(EventLimits.CLIENT_GO.withCacheEntries(5_000));

        assertThat(afterOtherNodes(sized, 4_999)).isInstanceOf(EventDecision.Drop.class);
    }

    @Test
    void aCacheOfNoEntriesIsRefused() {
        assertThatThrownBy(() -> EventLimits.CLIENT_GO.withCacheEntries(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cacheEntries must be at least 1, was 0");
    }
}
