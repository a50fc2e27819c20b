package dev.nodemedic.daemons.customplugin;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Healthy;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Problem;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Unknown;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The current state of each condition the permanent rules set, and NPD's rules for when a new answer
 * changes it. Kept here rather than read back from the agent because NPD's
 * {@code enable_message_change_based_condition_update} depends on it: with the switch off, a condition
 * that stays True for the same reason keeps its first message, so a script printing a timestamp does
 * not rewrite the node every run.
 */
final class ConditionTracker {
    /** A condition's status, reason and message, as set on the node. */
    record State(ConditionStatus status, String reason, String message) {
    }

    private final CustomPluginConfig config;
    private final Map<String, State> current = new HashMap<>();

    ConditionTracker(CustomPluginConfig config) {
        this.config = config;
        for (ConditionDeclaration condition : config.conditions()) {
            current.put(condition.type(), healthy(condition));
        }
    }

    /**
     * The state {@code rule}'s condition moves to after {@code outcome}, or empty when it stays as it is.
     * The new state is recorded; the caller sets it on the node.
     */
    synchronized Optional<State> next(Rule rule, CheckOutcome outcome) {
        State now = current.get(rule.condition());
        State target = switch (outcome) {
            case Healthy _ -> healthy(config.healthy(rule.condition()));
            case Problem p -> new State(ConditionStatus.TRUE, rule.reason(), p.output());
            // NPD keeps the healthy reason on Unknown; ours says what went wrong with the script.
            case Unknown u -> new State(ConditionStatus.UNKNOWN, u.reason(), u.why());
        };
        boolean changes = target.status() != now.status()
                || (target.status() != ConditionStatus.FALSE && !target.reason().equals(now.reason()))
                || (target.status() != ConditionStatus.FALSE && config.pluginConfig().enable_message_change_based_condition_update()
                        && !target.message().equals(now.message()));
        if (!changes) {
            return Optional.empty();
        }
        current.put(rule.condition(), target);
        return Optional.of(target);
    }

    private static State healthy(ConditionDeclaration condition) {
        return new State(ConditionStatus.FALSE, condition.reason(), condition.message());
    }
}
