package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.api.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PLEG lines to events and the PLEGUnhealthy condition, stepped through time by hand. */
class PlegWatchTest {
    private static final String STALLED = "E0610 17:39:22.920969 1980 kubelet.go:2353] \"Skipping pod synchronization\" "
            + "err=\"PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s\"";
    private static final String NOT_YET = "E0610 17:39:22.920969 1980 kubelet.go:2353] \"Skipping pod synchronization\" "
            + "err=\"[container runtime status check may not have completed yet, PLEG is not healthy: pleg has yet to be successful]\"";

    private final ManualClock clock = new ManualClock();
    private final RecordingDaemonContext<PlegConfig> context = new RecordingDaemonContext<>("kubelet-health", null, null, clock,
            List.of(new ConditionDeclaration(PlegWatch.TYPE, PlegWatch.HEALTHY_REASON, PlegWatch.HEALTHY_MESSAGE)));
    private final PlegWatch watch = new PlegWatch(context, new PlegConfig(null, null, null, null, null), "kubelet.service", "journald");
    private final Instant start = clock.instant();

    @AfterEach
    void close() {
        context.close();
    }

    private Condition pleg() {
        return context.condition(PlegWatch.TYPE);
    }

    /** A stalled PLEG line every minute for {@code minutes}, the first now. */
    private void stalledEveryMinuteFor(int minutes) {
        watch.line(STALLED);
        for (int i = 0; i < minutes; i++) {
            clock.advance(Duration.ofMinutes(1));
            watch.line(STALLED);
        }
    }

    @Test
    void everyStalledLineIsAWarningEventWithTheKubeletsWords() {
        watch.line("I0610 17:39:22.920920 1980 kubelet.go:2329] \"Starting kubelet main sync loop\"");
        watch.line(STALLED);
        watch.line(STALLED);

        assertThat(context.events()).hasSize(2).allSatisfy(event -> {
            assertThat(event.severity()).isEqualTo(Severity.WARNING);
            assertThat(event.reason()).isEqualTo("PLEGUnhealthy");
            assertThat(event.message()).isEqualTo("PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s");
        });
        assertThat(context.counted("kubelet_log_lines_read", Map.of("source", "journald"))).isEqualTo(3);
        assertThat(context.help("kubelet_log_lines_read")).as("its # HELP line on the agent's /metrics")
                .hasValueSatisfying(help -> assertThat(help).startsWith("lines of the kubelet's log"));
    }

    @Test
    void aBlipIsEventsButNoCondition() {
        stalledEveryMinuteFor(2);

        assertThat(context.events()).hasSize(3);
        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(pleg().reason()).isEqualTo("PLEGIsHealthy");
    }

    @Test
    void linesOverThePersistWindowRaiseTheConditionWithAStableMessage() {
        stalledEveryMinuteFor(3);

        assertThat(pleg().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(pleg().reason()).isEqualTo("PLEGUnhealthy");
        String message = "the kubelet (kubelet.service) has reported \"PLEG is not healthy\" again and again since " + start
                + ", for more than 3m; it is not syncing pods on this node, usually because the container runtime is slow or hung";
        assertThat(pleg().message()).isEqualTo(message);

        clock.advance(Duration.ofSeconds(30));
        watch.line(STALLED);
        assertThat(pleg().message()).as("unchanged by more lines").isEqualTo(message);
    }

    @Test
    void theConditionClearsOnlyAfterTheQuietPeriod() {
        stalledEveryMinuteFor(3);

        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        watch.tick(clock.instant());
        assertThat(pleg().status()).as("4m59s quiet").isEqualTo(ConditionStatus.TRUE);

        clock.advance(Duration.ofSeconds(1));
        watch.tick(clock.instant());
        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(pleg().message()).isEqualTo("the kubelet has not reported PLEG trouble");
    }

    @Test
    void aGapLongerThanTheQuietPeriodStartsANewEpisode() {
        stalledEveryMinuteFor(2);
        clock.advance(Duration.ofMinutes(6));

        stalledEveryMinuteFor(2);

        assertThat(pleg().status()).as("two 2-minute episodes are not one of 10 minutes").isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aPlegThatNeverRelistsRaisesTheConditionWithoutEvents() {
        // Said for a moment at every kubelet start: no event. Said for minutes: the runtime never answered.
        watch.line(NOT_YET);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(1));
            watch.line(NOT_YET);
        }

        assertThat(context.events()).isEmpty();
        assertThat(pleg().status()).isEqualTo(ConditionStatus.TRUE);
    }

    @Test
    void anUnreadableLogIsUnknownUntilTheSourceHasFollowedForAWhile() {
        watch.unavailable("/usr/bin/journalctl exited with status 1: Failed to open journal", Duration.ofSeconds(4));

        assertThat(pleg().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(pleg().reason()).isEqualTo("KubeletLogUnavailable");
        assertThat(pleg().message()).isEqualTo("the kubelet's log cannot be read for PLEG trouble: "
                + "/usr/bin/journalctl exited with status 1: Failed to open journal; retrying in 4s");

        watch.following();
        clock.advance(PlegWatch.SETTLE.minusSeconds(1));
        watch.tick(clock.instant());
        assertThat(pleg().status()).as("restarted a moment ago").isEqualTo(ConditionStatus.UNKNOWN);

        clock.advance(Duration.ofSeconds(1));
        watch.tick(clock.instant());
        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aJournalThatIsNotTriedAgainSaysSoInsteadOfRetryingInNoTime() {
        watch.unavailable("the agent is stopping", Duration.ZERO);

        assertThat(pleg().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(pleg().message()).isEqualTo("the kubelet's log cannot be read for PLEG trouble: the agent is stopping; not tried again until the daemon restarts")
                .doesNotContain("retrying in");
    }

    @Test
    void aLineShowsTheLogIsReadableAgainAtOnce() {
        watch.unavailable("gone", Duration.ofSeconds(1));
        watch.following();

        watch.line("I0610 17:39:22.920920 1980 kubelet.go:2329] \"Starting kubelet main sync loop\"");

        assertThat(pleg().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void eventsCarryTheTimeTheLineWasRead() {
        clock.advance(Duration.ofSeconds(42));
        watch.line(STALLED);

        assertThat(context.events()).extracting(Event::timestamp).containsExactly(start.plusSeconds(42));
    }
}
