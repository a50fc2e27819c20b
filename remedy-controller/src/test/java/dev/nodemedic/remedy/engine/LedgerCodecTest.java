package dev.nodemedic.remedy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.remedy.policy.NodeRemedyLedgerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aLedgerSurvivesItsSpec() {
        Ledger ledger = new Ledger("kernel", List.of(T0, T0.plusSeconds(3600)),
                Optional.of(new Ledger.Attempt(T0.plusSeconds(3600), 2, T0.plusSeconds(4000))), false);

        NodeRemedyLedgerSpec spec = LedgerCodec.encode(ledger);

        assertThat(LedgerCodec.decode(spec)).isEqualTo(ledger);
        assertThat(spec).isEqualTo(new NodeRemedyLedgerSpec("kernel", List.of("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"),
                new NodeRemedyLedgerSpec.Attempt("2026-01-01T01:00:00Z", 2, "2026-01-01T01:06:40Z"), false));
        Ledger givenUp = ledger.givenUp();
        assertThat(LedgerCodec.decode(LedgerCodec.encode(givenUp))).isEqualTo(givenUp);
        Ledger recovered = ledger.recovered(T0.plusSeconds(5000), Duration.ofHours(24));
        assertThat(LedgerCodec.decode(LedgerCodec.encode(recovered))).isEqualTo(recovered);
    }

    @Test
    void startingAnAttemptForgetsAttemptsOutsideTheWindow() {
        Ledger old = new Ledger("kernel", List.of(T0), Optional.empty(), false);

        Ledger next = old.startAttempt(T0.plus(Duration.ofHours(25)), Duration.ofHours(24));

        assertThat(next.attemptStarts()).containsExactly(T0.plus(Duration.ofHours(25)));
        assertThat(next.current()).contains(new Ledger.Attempt(T0.plus(Duration.ofHours(25)), 0, T0.plus(Duration.ofHours(25))));
    }

    @Test
    void timesAfterNowAreMovedBackToNowAndNothingElseChanges() {
        Instant now = T0.plus(Duration.ofHours(2));
        Instant future = now.plus(Duration.ofDays(365));
        Ledger forged = new Ledger("kernel", List.of(T0, future), Optional.of(new Ledger.Attempt(future, 1, future)), true);

        Ledger clamped = forged.notAfter(now);

        assertThat(clamped).isEqualTo(new Ledger("kernel", List.of(T0, now), Optional.of(new Ledger.Attempt(now, 1, now)), true));
        Ledger honest = new Ledger("kernel", List.of(T0), Optional.of(new Ledger.Attempt(T0, 0, now)), false);
        assertThat(honest.notAfter(now)).isEqualTo(honest);
    }

    @Test
    void aSpecTheControllerDidNotWriteIsRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> LedgerCodec.decode(new NodeRemedyLedgerSpec(null, List.of(), null, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("it names no policy (spec.policy)");
        assertThatThrownBy(() -> LedgerCodec.decode(new NodeRemedyLedgerSpec("p", List.of(T0.toString(), "yesterday"), null, false)))
                .hasMessage("spec.attempts[1] \"yesterday\" is not an RFC 3339 time");
        assertThatThrownBy(() -> LedgerCodec.decode(new NodeRemedyLedgerSpec("p", List.of(), new NodeRemedyLedgerSpec.Attempt(T0.toString(), 0, null), false)))
                .hasMessage("spec.attempt.stepStartedAt is missing");
        assertThatThrownBy(() -> LedgerCodec.decode(new NodeRemedyLedgerSpec("p", List.of(),
                new NodeRemedyLedgerSpec.Attempt(T0.toString(), -1, T0.toString()), false)))
                .hasMessage("spec.attempt.step -1 is negative");
        assertThatThrownBy(() -> LedgerCodec.decode(null)).hasMessage("it names no policy (spec.policy)");
    }
}
