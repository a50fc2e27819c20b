package dev.nodemedic.remedy.runtime;

import java.util.Objects;

/** What {@code /healthz} and {@code /readyz} answer; read on the event loop, so both must be cheap. */
public interface Probes {
    /** {@code ok} true answers 200, false 503, with {@code message} as the body. */
    record Verdict(boolean ok, String message) {
        public Verdict {
            Objects.requireNonNull(message, "message");
        }

        public static Verdict ok(String message) {
            return new Verdict(true, message);
        }

        public static Verdict failing(String message) {
            return new Verdict(false, message);
        }
    }

    /** Liveness: false only when a restart would help (the leader's informers lost the API server for long). */
    Verdict health();

    /** Readiness: the leader has listed everything it acts on; a follower is ready to take over. */
    Verdict readiness();
}
