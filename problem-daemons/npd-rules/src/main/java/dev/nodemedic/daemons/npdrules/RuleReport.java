package dev.nodemedic.daemons.npdrules;

/**
 * A rule's {@code type}, {@code condition} and {@code reason} as NPD's files give them, checked: a type
 * is present, a reason is one word, a permanent rule names its condition. A daemon's rule record
 * builds one first in its compact constructor and takes the normalised condition from it.
 *
 * @param condition empty when the file gives none
 */
public record RuleReport(RuleType type, String condition, String reason) implements NpdRule {
    public RuleReport {
        if (type == null) {
            throw new IllegalArgumentException("type: missing; write \"temporary\" (a problem is an Event) or \"permanent\" (sets a condition)");
        }
        condition = condition == null ? "" : condition;
    }

    /**
     * Checks the three fields, naming {@code reasonExample} and {@code conditionExample} (the daemon's
     * own, such as {@code OOMKilling} and {@code KernelDeadlock}) in what the operator should write.
     */
    public static RuleReport checked(RuleType type, String condition, String reason, String reasonExample, String conditionExample) {
        RuleReport report = new RuleReport(type, condition, reason);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason: missing; name the problem in one word, such as " + reasonExample);
        }
        if (reason.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("reason: \"" + reason + "\" must be one word, such as " + reasonExample + " (no spaces)");
        }
        if (type == RuleType.PERMANENT && report.condition().isEmpty()) {
            throw new IllegalArgumentException("condition: missing; a permanent rule names the condition it sets, such as " + conditionExample);
        }
        return report;
    }
}
