package dev.nodemedic.remedy.engine;

/** A NodeCondition's status as the API spells it. */
public enum ConditionStatus {
    TRUE("True"), FALSE("False"), UNKNOWN("Unknown");

    private final String apiValue;

    ConditionStatus(String apiValue) {
        this.apiValue = apiValue;
    }

    public String apiValue() {
        return apiValue;
    }

    /** Anything the API could hold that is not True or False reads as Unknown, as kubectl shows it. */
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
