package dev.nodemedic.daemons.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Restarts within a 20-minute window (NPD's default) from samples taken every few minutes. */
class RestartHistoryTest {
    private static final Duration WINDOW = Duration.ofMinutes(20);
    private final RestartHistory history = new RestartHistory(WINDOW);
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    private long observeAfter(Duration elapsed, long count) {
        now = now.plus(elapsed);
        return history.observe(now, count);
    }

    @Test
    void restartsBeforeTheFirstSampleAreHistoryNotRecent() {
        assertThat(history.observe(now, 40)).isZero();
    }

    @Test
    void restartsWithinTheWindowAddUpAndAgeOut() {
        history.observe(now, 40);
        assertThat(observeAfter(Duration.ofMinutes(5), 42)).isEqualTo(2);
        assertThat(observeAfter(Duration.ofMinutes(5), 44)).isEqualTo(4);
        assertThat(observeAfter(Duration.ofMinutes(5), 45)).isEqualTo(5);
        // Twenty minutes after the sample that saw 42, the two restarts before it have left the window.
        assertThat(observeAfter(Duration.ofMinutes(10), 45)).as("window starts at the sample that saw 42").isEqualTo(3);
        assertThat(observeAfter(Duration.ofMinutes(20), 45)).as("the window holds no restart").isZero();
    }

    @Test
    void aSampleExactlyAtTheWindowsStartIsTheBaseline() {
        history.observe(now, 0);
        assertThat(observeAfter(WINDOW, 5)).isEqualTo(5);
        // The five came some time after the sample that saw 0, so they count until the window starts at 5's sample.
        assertThat(observeAfter(WINDOW.minusSeconds(1), 5)).as("a second before").isEqualTo(5);
        assertThat(observeAfter(Duration.ofSeconds(1), 5)).as("the baseline is the sample that saw 5").isZero();
    }

    @Test
    void restartsSpreadWiderThanTheWindowStayUnderIt() {
        history.observe(now, 0);
        for (int restart = 1; restart <= 10; restart++) {
            assertThat(observeAfter(Duration.ofMinutes(6), restart)).as("restart %d, one every 6 minutes", restart).isLessThanOrEqualTo(4);
        }
        assertThat(observeAfter(Duration.ofMinutes(6), 10)).isEqualTo(3);
    }

    @Test
    void aCounterThatWentDownStartsOverInsteadOfCountingBackwards() {
        history.observe(now, 3);
        assertThat(observeAfter(Duration.ofMinutes(5), 0)).isZero();
        assertThat(observeAfter(Duration.ofMinutes(5), 2)).isEqualTo(2);
    }

    @Test
    void aWindowMustBePositive() {
        assertThatThrownBy(() -> new RestartHistory(Duration.ofMinutes(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the restart window is PT-1M; it must be positive");
    }
}
