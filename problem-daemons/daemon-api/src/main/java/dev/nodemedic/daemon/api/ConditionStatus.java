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

    /** Reads the API's spelling back. */
    public static ConditionStatus fromApiValue(String value) {
        for (ConditionStatus status : values()) {
            if (status.apiValue.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("condition status \"" + value + "\" is not one of True, False, Unknown");
    }
}
