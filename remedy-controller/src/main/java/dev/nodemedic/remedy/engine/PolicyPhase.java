package dev.nodemedic.remedy.engine;

/** The policy's phase as {@code kubectl get noderemedypolicies} shows it. */
public enum PolicyPhase {
    ACTIVE("Active"), DRY_RUN("DryRun"), PAUSED("Paused"), STORM("Storm"), COOLDOWN("Cooldown"), INVALID("Invalid");

    private final String apiValue;

    PolicyPhase(String apiValue) {
        this.apiValue = apiValue;
    }

    public String apiValue() {
        return apiValue;
    }
}
