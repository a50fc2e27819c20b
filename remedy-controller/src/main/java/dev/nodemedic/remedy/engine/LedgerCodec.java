package dev.nodemedic.remedy.engine;

import dev.nodemedic.remedy.policy.NodeRemedyLedgerSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/** The ledger as a NodeRemedyLedger's spec: one writer (the leader), read back without trusting it. */
public final class LedgerCodec {
    /**
     * Where the ledger was kept before it got a kind of its own: on the Node, where the node's agent can
     * write too. The controller no longer reads it; a node carrying it is reported, not believed.
     */
    public static final String NODE_ANNOTATION = "remedy.nodemedic.dev/ledger";

    public static NodeRemedyLedgerSpec encode(Ledger ledger) {
        NodeRemedyLedgerSpec.Attempt attempt = ledger.current()
                .map(a -> new NodeRemedyLedgerSpec.Attempt(a.startedAt().toString(), a.step(), a.stepStartedAt().toString()))
                .orElse(null);
        return new NodeRemedyLedgerSpec(ledger.policy(), ledger.attemptStarts().stream().map(Instant::toString).toList(), attempt,
                ledger.needsHuman());
    }

    /** @throws IllegalArgumentException saying what is wrong with it */
    public static Ledger decode(NodeRemedyLedgerSpec spec) {
        if (spec == null || spec.policy() == null || spec.policy().isBlank()) {
            throw new IllegalArgumentException("it names no policy (spec.policy)");
        }
        List<Instant> attempts = spec.attempts() == null ? List.of()
                : IntStream.range(0, spec.attempts().size()).mapToObj(i -> time("spec.attempts[" + i + "]", spec.attempts().get(i))).toList();
        Optional<Ledger.Attempt> attempt = Optional.ofNullable(spec.attempt()).map(a -> {
            if (a.step() < 0) {
                throw new IllegalArgumentException("spec.attempt.step " + a.step() + " is negative");
            }
            return new Ledger.Attempt(time("spec.attempt.startedAt", a.startedAt()), a.step(), time("spec.attempt.stepStartedAt", a.stepStartedAt()));
        });
        return new Ledger(spec.policy(), attempts, attempt, spec.needsHuman());
    }

    private static Instant time(String field, String text) {
        if (text == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is not an RFC 3339 time", e);
        }
    }

    private LedgerCodec() {
    }
}
