package dev.nodemedic.reporter;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import java.util.Objects;

/**
 * A condition in the book with the daemon instance that owns it and the declaration it came from.
 *
 * @param owner       the daemon instance's name
 * @param declaration the type and its healthy default
 * @param condition   the current truth
 */
public record OwnedCondition(String owner, ConditionDeclaration declaration, Condition condition) {
    public OwnedCondition {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(declaration, "declaration");
        Objects.requireNonNull(condition, "condition");
        if (!declaration.type().equals(condition.type())) {
            throw new IllegalArgumentException("condition " + condition.type() + " filed under declaration " + declaration.type());
        }
    }

    public String type() {
        return condition.type();
    }
}
