package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.action.DrainOptions;
import dev.nodemedic.remedy.action.DrainRound;
import dev.nodemedic.remedy.action.Drainer;
import dev.nodemedic.remedy.engine.RemedyAction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DrainRoundsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final RemedyAction.Drain DRAIN = new RemedyAction.Drain(OptionalLong.empty());

    /** Every round leaves pods terminating and asks for the next one {@code wait} seconds after {@link #now}. */
    private static final class Terminating implements Drainer {
        Instant now = T0;
        long waitSeconds = 5;
        int rounds;

        @Override
        public DrainRound round(String node, String policy, DrainOptions options) {
            rounds++;
            return new DrainRound(node, DrainRound.Outcome.IN_PROGRESS, List.of(), List.of(), List.of(), Optional.of(now.plusSeconds(waitSeconds)),
                    "drain of node " + node + ": 0 evicted, 0 left to evict, 1 terminating");
        }

        @Override
        public void forget(String node) {
        }
    }

    private final Terminating drainer = new Terminating();
    private final DrainRounds drains = new DrainRounds();

    @Test
    void aRoundRunsOnlyOnceItIsDue() {
        drains.run("node-a", "kernel", DRAIN, drainer);

        drains.runIfDue("node-a", "kernel", DRAIN, drainer, T0.plusSeconds(4));
        assertThat(drainer.rounds).isEqualTo(1);

        drainer.now = T0.plusSeconds(5);
        drains.runIfDue("node-a", "kernel", DRAIN, drainer, T0.plusSeconds(5));
        assertThat(drainer.rounds).isEqualTo(2);
        assertThat(drains.nextRound(T0.plusSeconds(5))).contains(T0.plusSeconds(10));
    }

    @Test
    void aRoundDueAlreadyIsNotTheNextOne() {
        drains.run("node-a", "kernel", DRAIN, drainer);
        drainer.waitSeconds = 30;
        drains.run("node-b", "kernel", DRAIN, drainer);

        // node-a is held (a gate, a stale heartbeat): its round stays due, and must not ask for a pass at once.
        assertThat(drains.nextRound(T0.plusSeconds(6))).contains(T0.plusSeconds(30));
        assertThat(drains.nextRound(T0.plusSeconds(30))).isEmpty();
    }
}
