package dev.nodemedic.apiserver;

import static dev.nodemedic.apiserver.FixedRandom.HIGHEST;
import static dev.nodemedic.apiserver.FixedRandom.LOWEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(5));

    @Test
    void theCeilingDoublesPerFailureUpToTheCap() {
        Duration cap = Duration.ofMinutes(2);
        assertThat(backoff.after(1, cap, HIGHEST)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.after(2, cap, HIGHEST)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.after(3, cap, HIGHEST)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.after(5, cap, HIGHEST)).isEqualTo(Duration.ofSeconds(80));
        assertThat(backoff.after(6, cap, HIGHEST)).isEqualTo(cap);
        assertThat(backoff.after(Integer.MAX_VALUE, cap, HIGHEST)).as("no overflow however long it fails").isEqualTo(cap);
    }

    @Test
    void thePauseIsARandomPointInTheUpperHalfOfTheCeiling() {
        Duration cap = Duration.ofMinutes(2);
        assertThat(backoff.after(1, cap, LOWEST)).isEqualTo(Duration.ofMillis(2500));
        assertThat(backoff.after(9, cap, LOWEST)).isEqualTo(Duration.ofMinutes(1));
        SplittableRandom random = new SplittableRandom(7);
        for (int failures = 1; failures < 30; failures++) {
            Duration ceiling = Duration.ofSeconds(5).multipliedBy(1L << Math.min(failures - 1, 20));
            ceiling = ceiling.compareTo(cap) > 0 ? cap : ceiling;
            assertThat(backoff.after(failures, cap, random)).isBetween(ceiling.dividedBy(2), ceiling);
        }
    }

    @Test
    void theCeilingWithoutJitterIsTheHighestPause() {
        Duration cap = Duration.ofMinutes(2);
        for (int failures = 0; failures < 30; failures++) {
            assertThat(backoff.ceiling(failures, cap)).as("after %d failures", failures).isEqualTo(backoff.after(failures, cap, HIGHEST));
        }
        assertThat(backoff.ceiling(3, cap)).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aZeroFailureCountIsTheFirstStep() {
        assertThat(Backoff.DEFAULT.after(0, Duration.ofSeconds(1), HIGHEST)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theFirstStepMustBePositive() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO)).hasMessage("the first backoff step must be positive, was PT0S");
    }
}
