package dev.nodemedic.reporter;

/**
 * A daemon declared condition types the book cannot give it: a type another daemon already owns, or
 * more types than a daemon or a node may have ({@link #overLimit()}).
 */
public final class ConditionClaimException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean overLimit;

    public ConditionClaimException(String message) {
        this(message, false);
    }

    private ConditionClaimException(String message, boolean overLimit) {
        super(message);
        this.overLimit = overLimit;
    }

    /** More types than {@link ConditionBook#MAX_TYPES_PER_DAEMON} or {@link ConditionBook#MAX_TYPES_PER_NODE}. */
    static ConditionClaimException overLimit(String message) {
        return new ConditionClaimException(message, true);
    }

    /** Whether a bound was passed, rather than a type being someone else's. */
    public boolean overLimit() {
        return overLimit;
    }
}
