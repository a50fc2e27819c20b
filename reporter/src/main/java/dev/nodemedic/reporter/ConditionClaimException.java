package dev.nodemedic.reporter;

/** A daemon instance declared a condition type that another instance already owns. */
public final class ConditionClaimException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConditionClaimException(String message) {
        super(message);
    }
}
