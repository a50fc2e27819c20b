package dev.nodemedic.remedy.action;

import java.util.Locale;

/** What the controller did or would do to a node; the {@code action} label of the metrics. */
public enum ActionKind {
    TAINT, CORDON, DRAIN, REQUEST_REBOOT, UNDO, NEEDS_HUMAN;

    /** The metric label and the word in status lines: {@code request_reboot}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
