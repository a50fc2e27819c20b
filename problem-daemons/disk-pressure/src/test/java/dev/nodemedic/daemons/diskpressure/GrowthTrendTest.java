package dev.nodemedic.daemons.diskpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GrowthTrendTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final GrowthTrend trend = new GrowthTrend(Duration.ofHours(1));

    @Test
    void steadyGrowthGivesItsRateAndTheTimeUntilFull() {
        for (int i = 0; i <= 60; i++) {
            trend.add(T0.plusSeconds(60L * i), 1_000_000L * i);
        }
        assertThat(trend.perSecond().orElseThrow()).isCloseTo(1_000_000 / 60.0, within(1e-6));
        assertThat(trend.timeUntilFull(120_000_000L)).contains(Duration.ofHours(2));
    }

    @Test
    void oneSpikeDoesNotMoveTheRate() {
        for (int i = 0; i <= 60; i++) {
            long value = i == 40 ? 50_000_000_000L : 1_000_000L * i;
            trend.add(T0.plusSeconds(60L * i), value);
        }
        assertThat(trend.perSecond().orElseThrow()).isCloseTo(1_000_000 / 60.0, within(1.0));
    }

    @Test
    void aFlatDiskWithASpikeIsNotGrowing() {
        for (int i = 0; i <= 60; i++) {
            trend.add(T0.plusSeconds(60L * i), i == 30 ? 90L : 50L);
        }
        assertThat(trend.timeUntilFull(50)).isEmpty();
    }

    @Test
    void noRateBeforeAQuarterOfTheWindowHasBeenSeen() {
        for (int i = 0; i < 14; i++) {
            trend.add(T0.plusSeconds(60L * i), 1_000L * i);
        }
        assertThat(trend.perSecond()).isEmpty();
        trend.add(T0.plusSeconds(60L * 15), 15_000L);
        assertThat(trend.perSecond()).isPresent();
    }

    @Test
    void samplesOlderThanTheWindowAreDroppedAndTheCountIsBounded() {
        for (int i = 0; i <= 600; i++) {
            trend.add(T0.plusSeconds(10L * i), i);
        }
        assertThat(trend.size()).isLessThanOrEqualTo(GrowthTrend.MAX_SAMPLES);
        assertThat(trend.size()).isGreaterThanOrEqualTo(GrowthTrend.MAX_SAMPLES - 1);
    }
}
