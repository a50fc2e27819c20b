package dev.nodemedic.daemon.api;

/** How bad an event is; becomes the Kubernetes Event's type. */
public enum Severity {
    /** Event type {@code Normal}. */
    INFO("Normal"),
    /** Event type {@code Warning}. */
    WARNING("Warning");

    private final String eventType;

    Severity(String eventType) {
        this.eventType = eventType;
    }

    /** {@code Normal} or {@code Warning}. */
    public String eventType() {
        return eventType;
    }
}
