package dev.nodemedic.daemon.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A reason a daemon instance can report, declared before it starts so that the agent's metrics have
 * its series from the first scrape: NPD's {@code problem_counter{reason}} at 0 for every reason, and
 * {@code problem_gauge{type,reason}} at 0 for every reason a condition takes while True. NPD does the
 * same for every rule of its monitors when they start. Without it a series appears with its first
 * problem, and an alert on {@code increase(problem_counter{reason="OOMKilling"}[5m]) > 0} misses
 * that first one: Prometheus sees no increase in a series that did not exist before.
 *
 * <p>In NPD's terms, a temporary rule declares an {@link #event event} reason and a permanent rule a
 * {@link #condition condition}'s reason.
 *
 * @param reason        UpperCamelCase, such as {@code OOMKilling}
 * @param conditionType the condition type that takes {@code reason} while True (one this daemon declares in
 *                      {@link ProblemDaemon#conditions}); empty for the reason of an {@link Event}
 * @since 1.3.0
 */
public record ReasonDeclaration(String reason, Optional<String> conditionType) {
    public ReasonDeclaration {
        Names.requireToken("reason", reason);
        Objects.requireNonNull(conditionType, "conditionType");
        conditionType.ifPresent(type -> Names.requireToken("condition type", type));
    }

    /** The reason of events the daemon emits, such as {@code OOMKilling}: a {@code problem_counter} series. */
    public static ReasonDeclaration event(String reason) {
        return new ReasonDeclaration(reason, Optional.empty());
    }

    /**
     * A reason condition {@code type} takes while True, such as {@code DockerHung} for {@code KernelDeadlock}:
     * a {@code problem_counter} and a {@code problem_gauge} series.
     */
    public static ReasonDeclaration condition(String type, String reason) {
        return new ReasonDeclaration(reason, Optional.of(type));
    }
}
