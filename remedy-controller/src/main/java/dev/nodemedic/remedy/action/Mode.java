package dev.nodemedic.remedy.action;

/**
 * Whether an action class writes. In {@link #DRY_RUN} it reads what it needs, works out exactly what it
 * would write, logs and returns that, and sends no write to the API server.
 */
public enum Mode {
    APPLY, DRY_RUN
}
