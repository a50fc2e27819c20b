package dev.nodemedic.remedy.engine;

import java.time.Duration;
import java.util.Objects;

/** A rung: the action, how long to give the node to recover, and whether to stop (not escalate) after. */
public record LadderStep(RemedyAction action, Duration timeout, boolean stopOnTimeout) {
    public LadderStep {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(timeout, "timeout");
    }
}
