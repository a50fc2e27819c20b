package dev.nodemedic.remedy.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The ledger as the value of one node annotation: compact JSON, one writer (the leader). */
public final class LedgerCodec {
    public static final String ANNOTATION = "remedy.nodemedic.dev/ledger";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private record Wire(String policy, List<String> attempts, WireAttempt attempt, boolean needsHuman) {
    }

    private record WireAttempt(String startedAt, int step, String stepStartedAt) {
    }

    public static String encode(Ledger ledger) {
        WireAttempt attempt = ledger.current()
                .map(a -> new WireAttempt(a.startedAt().toString(), a.step(), a.stepStartedAt().toString()))
                .orElse(null);
        List<String> attempts = ledger.attemptStarts().stream().map(Instant::toString).toList();
        return MAPPER.writeValueAsString(new Wire(ledger.policy(), attempts, attempt, ledger.needsHuman()));
    }

    /** @throws IllegalArgumentException naming the annotation and what is wrong with it */
    public static Ledger decode(String value) {
        try {
            Wire wire = MAPPER.readValue(value, Wire.class);
            if (wire.policy() == null || wire.policy().isBlank()) {
                throw new IllegalArgumentException("annotation " + ANNOTATION + " names no policy: " + value);
            }
            List<Instant> attempts = wire.attempts() == null ? List.of()
                    : wire.attempts().stream().map(Instant::parse).toList();
            Optional<Ledger.Attempt> attempt = Optional.ofNullable(wire.attempt())
                    .map(a -> new Ledger.Attempt(Instant.parse(a.startedAt()), a.step(), Instant.parse(a.stepStartedAt())));
            return new Ledger(wire.policy(), attempts, attempt, wire.needsHuman());
        } catch (JacksonException | java.time.format.DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("annotation " + ANNOTATION + " is not a ledger the controller wrote ("
                    + e.getMessage() + "); the node is left alone until a person removes the annotation", e);
        }
    }

    private LedgerCodec() {
    }
}
