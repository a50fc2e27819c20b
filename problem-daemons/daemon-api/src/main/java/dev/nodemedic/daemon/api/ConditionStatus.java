package dev.nodemedic.daemon.api;

/** A condition's status, with the spelling the Kubernetes API uses. */
public enum ConditionStatus {
    TRUE("True"),
    FALSE("False"),
    UNKNOWN("Unknown");

    private final String apiValue;

    ConditionStatus(String apiValue) {
        this.apiValue = apiValue;
    }

    /** {@code True}, {@code False} or {@code Unknown}. */
    public String apiValue() {
        return apiValue;
    }

    /** Reads the API's spelling back, strictly: what a daemon or a report sends must be one of the three. */
    public static ConditionStatus fromApiValue(String value) {
        for (ConditionStatus status : values()) {
            if (status.apiValue.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("condition status \"" + value + "\" is not one of True, False, Unknown");
    }

    /**
     * Reads a status as it stands on a Node, where anyone may have written it: the API server does not
     * check a NodeCondition's status, so anything but {@code True} or {@code False} reads as
     * {@code Unknown}, as {@code kubectl describe node} treats it.
     *
     * @since 1.5.0
     */
    public static ConditionStatus fromApi(String value) {
        if ("True".equals(value)) {
            return TRUE;
        }
        if ("False".equals(value)) {
            return FALSE;
        }
        return UNKNOWN;
    }
}
