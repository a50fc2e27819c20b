package dev.nodemedic.remedy.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The engine's answer for one node. The controller carries it out (or, in dry-run, only reports it). */
public sealed interface NodeDecision {
    String node();

    String zone();

    /** Apply rung {@code step} of the ladder; {@code newAttempt} when this begins an attempt (rung 0). */
    record Apply(String node, String zone, int step, LadderStep ladderStep, boolean newAttempt, String reason)
            implements NodeDecision {
        public Apply {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(ladderStep, "ladderStep");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The node recovered: take back what we applied, and only that. */
    record Undo(String node, String zone, String reason) implements NodeDecision {
    }

    /**
     * Stop trying: condition NodeRemedyNeedsHuman (its reason {@code conditionReason}, such as
     * {@value #MAX_ATTEMPTS_REACHED}), an Event, and hands off the node.
     */
    record GiveUp(String node, String zone, String conditionReason, String reason) implements NodeDecision {
        public static final String MAX_ATTEMPTS_REACHED = "MaxAttemptsReached";
        public static final String STEP_TIMED_OUT = "StepTimedOut";
    }

    /**
     * Nothing to do now. {@code next} names what comes next (an action, "undo", or empty),
     * {@code due} when the engine wants to look again, {@code blocked} the gate in the way, if any.
     */
    record Hold(String node, String zone, NodeState state, Optional<String> next, Optional<Instant> due,
                Optional<Blocked> blocked, String reason) implements NodeDecision {
        public Hold {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(due, "due");
            Objects.requireNonNull(blocked, "blocked");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
