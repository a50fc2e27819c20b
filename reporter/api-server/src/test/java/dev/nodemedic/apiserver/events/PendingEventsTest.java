package dev.nodemedic.apiserver.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.apiserver.FixedRandom;
import dev.nodemedic.daemon.api.Severity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PendingEventsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T01:00:00Z");
    /** Each pause is the backoff's ceiling: 1 s doubling, capped by the kind of failure. */
    private final PendingEvents pending = new PendingEvents(3, 256, new Backoff(Duration.ofSeconds(1)), FixedRandom.HIGHEST);

    private static EventRecord record(String name, String source, int count) {
        return new EventRecord(name, source, "node-a", Severity.WARNING, "OOMKilling", "Killed process 42 (java)", count, T0, T0.plusSeconds(count));
    }

    private static ApiFailure answer(int code) {
        return ApiFailure.of(new KubernetesClientException("answer " + code, code, null));
    }

    @Test
    void eventsAreWrittenOldestFirst() {
        var first = new EventDecision.Create(record("e1", "kernel-monitor", 1), false);
        var second = new EventDecision.Create(record("e2", "kernel-monitor", 1), false);
        pending.offer(first);
        pending.offer(second);

        assertThat(pending.next(T0)).contains(first);
        pending.written(first);
        assertThat(pending.next(T0)).contains(second);
        pending.written(second);
        assertThat(pending.next(T0)).isEmpty();
        assertThat(pending.due()).isEmpty();
    }

    @Test
    void aRepeatOfAnEventNotYetWrittenFoldsIntoItsCreate() {
        pending.offer(new EventDecision.Create(record("e1", "kernel-monitor", 1), true));

        assertThat(pending.offer(new EventDecision.Patch(record("e1", "kernel-monitor", 2)))).isEqualTo(new PendingEvents.Offered.Queued(0));

        assertThat(pending.buffered()).isEqualTo(1);
        assertThat(pending.next(T0)).contains(new EventDecision.Create(record("e1", "kernel-monitor", 2), true));
    }

    @Test
    void aRepeatThatCameWhileItsCreateWasOutIsWrittenAsAPatch() {
        var create = new EventDecision.Create(record("e1", "kernel-monitor", 1), false);
        pending.offer(create);
        pending.next(T0);
        pending.offer(new EventDecision.Patch(record("e1", "kernel-monitor", 2)));

        pending.written(create);

        assertThat(pending.next(T0)).contains(new EventDecision.Patch(record("e1", "kernel-monitor", 2)));
    }

    @Test
    void aFullBufferDropsAndSaysSoOncePerRun() {
        for (int i = 1; i <= 3; i++) {
            pending.offer(new EventDecision.Create(record("e" + i, "kernel-monitor", 1), false));
        }

        assertThat(pending.offer(new EventDecision.Create(record("e4", "kernel-monitor", 1), false))).isEqualTo(new PendingEvents.Offered.BufferFull(true, 0));
        assertThat(pending.offer(new EventDecision.Create(record("e5", "kernel-monitor", 1), false))).isEqualTo(new PendingEvents.Offered.BufferFull(false, 0));
        assertThat(pending.buffered()).isEqualTo(3);
    }

    @Test
    void aBudgetRunPushedOutOfTheTrackedPairsIsReportedAgainAndOneStillTrackedIsNot() {
        // The controller's one source on thousands of nodes: each node is a pair, and needs its own room.
        PendingEvents twoPairs = new PendingEvents(3, 2, new Backoff(Duration.ofSeconds(1)), FixedRandom.HIGHEST);
        for (String node : new String[] {"node-a", "node-b", "node-c"}) {
            assertThat(twoPairs.offer(new EventDecision.Drop(onNode(node)))).as(node).isEqualTo(new PendingEvents.Offered.OverBudget(true));
        }

        assertThat(twoPairs.offer(new EventDecision.Drop(onNode("node-a")))).as("node-a's run was forgotten for node-c's")
                .isEqualTo(new PendingEvents.Offered.OverBudget(true));
        assertThat(twoPairs.offer(new EventDecision.Drop(onNode("node-c")))).isEqualTo(new PendingEvents.Offered.OverBudget(false));
        assertThat(pending.offer(new EventDecision.Drop(onNode("node-a")))).isEqualTo(new PendingEvents.Offered.OverBudget(true));
        assertThat(pending.offer(new EventDecision.Drop(onNode("node-b")))).isEqualTo(new PendingEvents.Offered.OverBudget(true));
        assertThat(pending.offer(new EventDecision.Drop(onNode("node-c")))).isEqualTo(new PendingEvents.Offered.OverBudget(true));
        assertThat(pending.offer(new EventDecision.Drop(onNode("node-a")))).as("room for every pair: one line per run")
                .isEqualTo(new PendingEvents.Offered.OverBudget(false));
    }

    private static EventRecord onNode(String node) {
        return new EventRecord(node + ".1", "nodemedic-remedy", node, Severity.WARNING, "RemedyBlockedByBudget", "maxInFlight 1 reached", 1, T0, T0);
    }

    @Test
    void aBudgetRunIsReportedAtItsStartAndCountedAtItsEnd() {
        var dropped = new EventDecision.Drop(record("e1", "kernel-monitor", 5));

        assertThat(pending.offer(dropped)).isEqualTo(new PendingEvents.Offered.OverBudget(true));
        assertThat(pending.offer(dropped)).isEqualTo(new PendingEvents.Offered.OverBudget(false));
        assertThat(pending.offer(new EventDecision.Drop(record("e2", "custom-plugin", 1)))).as("another source's own run")
                .isEqualTo(new PendingEvents.Offered.OverBudget(true));

        assertThat(pending.offer(new EventDecision.Patch(record("e1", "kernel-monitor", 7)))).isEqualTo(new PendingEvents.Offered.Queued(2));
        assertThat(pending.offer(new EventDecision.Patch(record("e1", "kernel-monitor", 8)))).isEqualTo(new PendingEvents.Offered.Queued(0));
        assertThat(pending.buffered()).as("drops are never written").isEqualTo(1);
    }

    @Test
    void aPatchOfAnEventTheServerNoLongerHasBecomesACreateWithTheCount() {
        var patch = new EventDecision.Patch(record("e1", "kernel-monitor", 3));
        pending.offer(patch);

        var after = pending.failed(patch, answer(404), T0);

        assertThat(after).isEqualTo(new PendingEvents.AfterFailure.WriteAs(new EventDecision.Create(record("e1", "kernel-monitor", 3), false)));
        assertThat(pending.next(T0)).as("at once, no backoff").contains(new EventDecision.Create(record("e1", "kernel-monitor", 3), false));
    }

    @Test
    void aCreateThatMeetsTheEventAlreadyThereBecomesAPatch() {
        var create = new EventDecision.Create(record("e1", "kernel-monitor", 1), false);
        pending.offer(create);

        assertThat(pending.failed(create, answer(409), T0)).isEqualTo(new PendingEvents.AfterFailure.WriteAs(new EventDecision.Patch(record("e1", "kernel-monitor", 1))));
    }

    @Test
    void anEventTheServerRejectsIsDropped() {
        var create = new EventDecision.Create(record("e1", "kernel-monitor", 1), false);
        pending.offer(create);

        assertThat(pending.failed(create, answer(422), T0)).isEqualTo(new PendingEvents.AfterFailure.Rejected(answer(422)));
        assertThat(pending.buffered()).isZero();
    }

    @Test
    void failuresBackOffCappedByTheirKindSayNewTroubleOnceAndRecoveryEndsTheRun() {
        var create = new EventDecision.Create(record("e1", "kernel-monitor", 1), false);
        pending.offer(create);

        assertThat(pending.failed(create, answer(503), T0)).isEqualTo(new PendingEvents.AfterFailure.Retry(T0.plusSeconds(1), true));
        assertThat(pending.next(T0.plusMillis(999))).isEmpty();
        assertThat(pending.due()).contains(T0.plusSeconds(1));
        assertThat(pending.failed(create, answer(503), T0.plusSeconds(1))).as("a server error's cap is 1 s")
                .isEqualTo(new PendingEvents.AfterFailure.Retry(T0.plusSeconds(2), false));
        assertThat(pending.failed(create, answer(502), T0.plusSeconds(2))).as("another server error is the same trouble")
                .isEqualTo(new PendingEvents.AfterFailure.Retry(T0.plusSeconds(3), false));
        assertThat(pending.failed(create, answer(403), T0.plusSeconds(3))).as("another kind is news; a person must act, so up to 30 s")
                .isEqualTo(new PendingEvents.AfterFailure.Retry(T0.plusSeconds(11), true));
        ApiFailure refused = ApiFailure.of(new KubernetesClientException("connection refused"));
        assertThat(pending.failed(create, refused, T0.plusSeconds(11))).isEqualTo(new PendingEvents.AfterFailure.Retry(T0.plusSeconds(12), true));

        assertThat(pending.next(T0.plusSeconds(12))).contains(create);
        assertThat(pending.written(create)).isEqualTo(Optional.of(new PendingEvents.Recovered(refused, 0)));
        assertThat(pending.written(create)).as("only once").isEmpty();
    }

    @Test
    void aCreateThatFindsNoNamespaceBacksOffUpTo30sAsItNeedsAPerson() {
        var create = new EventDecision.Create(record("e1", "kernel-monitor", 1), false);
        pending.offer(create);

        Instant now = T0;
        StringBuilder pauses = new StringBuilder();
        for (int failure = 1; failure <= 7; failure++) {
            var after = (PendingEvents.AfterFailure.Retry) pending.failed(create, answer(404), now);
            pauses.append(Duration.between(now, after.at()).toSeconds()).append(' ');
            now = after.at();
        }

        // A node's 404 would stop at 5 s (kubelet registers it soon); the Events' namespace waits for a person.
        assertThat(pauses.toString().trim()).isEqualTo("1 2 4 8 16 30 30");
        assertThat(pending.next(now)).as("kept, not dropped").contains(create);
    }

    @Test
    void aRecoveryNamesWhatWasDroppedMeanwhileAndReopensTheRun() {
        var failing = new EventDecision.Create(record("e1", "kernel-monitor", 1), false);
        for (int i = 1; i <= 3; i++) {
            pending.offer(new EventDecision.Create(record("e" + i, "kernel-monitor", 1), false));
        }
        pending.offer(new EventDecision.Create(record("e4", "kernel-monitor", 1), false));
        pending.failed(failing, answer(500), T0);

        assertThat(pending.written(failing)).contains(new PendingEvents.Recovered(answer(500), 1));
        assertThat(pending.offer(new EventDecision.Create(record("e5", "kernel-monitor", 1), false))).isEqualTo(new PendingEvents.Offered.Queued(0));
        assertThat(pending.offer(new EventDecision.Create(record("e6", "kernel-monitor", 1), false))).as("full again: a new run")
                .isEqualTo(new PendingEvents.Offered.BufferFull(true, 0));
    }
}
