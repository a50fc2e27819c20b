package dev.nodemedic.reporter.kubernetes;

/**
 * How the agent knows, after a restart, which condition entries on its node it wrote: every message
 * it writes ends with {@link #SUFFIX}. The node is the only place that outlives the agent, and a
 * NodeCondition has no field for a writer, while a label or annotation would need {@code nodes patch}
 * on top of {@code nodes/status patch}. So a type that carries the mark and is no longer declared is
 * ours and stale, and is deleted; a type without it (kubelet's, NPD's, another tool's) is never touched.
 * It also tells a person reading {@code kubectl describe node} who wrote the line.
 */
final class OwnerMark {
    static final String SUFFIX = " (nodemedic)";

    private OwnerMark() {
    }

    static String mark(String message) {
        return message + SUFFIX;
    }

    static boolean isMarked(String message) {
        return message != null && message.endsWith(SUFFIX);
    }

    /** The message as the daemon said it. */
    static String unmark(String message) {
        return isMarked(message) ? message.substring(0, message.length() - SUFFIX.length()) : message;
    }
}
