package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeRetriesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final NodeRetries backoff = new NodeRetries();

    @Test
    void theWaitDoublesFromTenSecondsUpToFiveMinutes() {
        Instant now = T0;
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Instant retry = backoff.failed("node-a", now);
            waits.add(Duration.between(now, retry));
            now = retry;
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80),
                Duration.ofSeconds(160), Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    @Test
    void aNodeWaitsUntilItsRetryTimeAndNoLonger() {
        Instant retry = backoff.failed("node-a", T0);

        assertThat(backoff.waitingUntil("node-a", T0.plusSeconds(9))).contains(retry);
        assertThat(backoff.waitingUntil("node-a", retry)).isEmpty();
        assertThat(backoff.waitingUntil("node-b", T0)).isEmpty();
    }

    @Test
    void aWriteThatGoesThroughStartsTheNextFailureFromTheFirstWaitAgain() {
        backoff.failed("node-a", T0);
        backoff.failed("node-a", T0.plusSeconds(10));
        backoff.succeeded("node-a");

        assertThat(backoff.waitingUntil("node-a", T0.plusSeconds(10))).isEmpty();
        assertThat(backoff.failed("node-a", T0.plusSeconds(60))).isEqualTo(T0.plusSeconds(70));
    }

    @Test
    void theNextRetryCountsOnlyTheNodesKept() {
        backoff.failed("node-a", T0);
        backoff.failed("node-b", T0.plusSeconds(5));
        assertThat(backoff.nextAfter(T0)).contains(T0.plusSeconds(10));

        backoff.keepOnly(Set.of("node-b"));

        assertThat(backoff.nextAfter(T0)).contains(T0.plusSeconds(15));
        assertThat(backoff.failed("node-a", T0.plusSeconds(20))).as("forgotten, so back to the first wait").isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void aRetryTimeAlreadyPassedIsNotTheNextOne() {
        backoff.failed("node-a", T0);
        backoff.failed("node-b", T0.plusSeconds(5));

        assertThat(backoff.nextAfter(T0.plusSeconds(10))).contains(T0.plusSeconds(15));
        assertThat(backoff.nextAfter(T0.plusSeconds(15))).isEmpty();
    }
}
