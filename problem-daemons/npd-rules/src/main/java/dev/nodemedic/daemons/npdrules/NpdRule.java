package dev.nodemedic.daemons.npdrules;

import dev.nodemedic.daemon.api.ReasonDeclaration;

/**
 * What every rule of NPD's format says about what it reports, whatever it looks at (a log pattern, a
 * check script): a temporary rule's problem is an Event with {@link #reason}, a permanent rule's sets
 * {@link #condition} with it. Each daemon's rule record implements this with its own components, so
 * that NPD's keys stay the record's names for the config binder.
 */
public interface NpdRule {
    RuleType type();

    /** The condition a permanent rule sets; empty on a temporary rule (NPD ignores it there). */
    String condition();

    String reason();

    /** The series this rule reports into, as NPD's {@code initializeProblemMetricsOrDie} declares it. */
    default ReasonDeclaration declaration() {
        return type() == RuleType.PERMANENT ? ReasonDeclaration.condition(condition(), reason()) : ReasonDeclaration.event(reason());
    }
}
