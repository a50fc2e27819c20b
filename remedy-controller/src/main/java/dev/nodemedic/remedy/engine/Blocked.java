package dev.nodemedic.remedy.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A gate's "no": which gate, a sentence for people, and when it lifts if time alone lifts it. */
public record Blocked(Blocker blocker, String message, Optional<Instant> until) {
    public Blocked {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(until, "until");
    }

    static Blocked untilChange(Blocker blocker, String message) {
        return new Blocked(blocker, message, Optional.empty());
    }

    static Blocked until(Blocker blocker, String message, Instant until) {
        return new Blocked(blocker, message, Optional.of(until));
    }
}
