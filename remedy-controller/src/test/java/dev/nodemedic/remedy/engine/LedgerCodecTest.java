package dev.nodemedic.remedy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aLedgerSurvivesTheAnnotation() {
        Ledger ledger = new Ledger("kernel", List.of(T0, T0.plusSeconds(3600)),
                Optional.of(new Ledger.Attempt(T0.plusSeconds(3600), 2, T0.plusSeconds(4000))), false);

        String annotation = LedgerCodec.encode(ledger);

        assertThat(LedgerCodec.decode(annotation)).isEqualTo(ledger);
        assertThat(annotation).startsWith("{\"policy\":\"kernel\"").contains("\"step\":2");
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
    void aLedgerTheControllerDidNotWriteIsRefusedWithTheAnnotationNamed() {
        assertThatThrownBy(() -> LedgerCodec.decode("cordoned by bob"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("annotation remedy.nodemedic.dev/ledger is not a ledger the controller wrote")
                .hasMessageEndingWith("the node is left alone until a person removes the annotation");
        assertThatThrownBy(() -> LedgerCodec.decode("{\"attempts\":[]}"))
                .hasMessageContaining("names no policy");
        assertThatThrownBy(() -> LedgerCodec.decode("{\"policy\":\"p\",\"attempts\":[\"yesterday\"]}"))
                .hasMessageContaining("is not a ledger the controller wrote");
    }
}
