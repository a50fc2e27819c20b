package dev.nodemedic.remedy.action;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A failed API call in one line for a status entry, an Event or a log line: the HTTP status and what
 * the server said, or what the client saw when no answer came.
 *
 * @param code   the HTTP status; 0 when no answer came
 * @param detail the server's message, or the client's
 */
public record ApiError(int code, String detail) {
    public static ApiError of(KubernetesClientException e) {
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : rootMessage(e);
        // fabric8 reports no answer (refused, reset, timed out) as code 0 or -1.
        return new ApiError(Math.max(e.getCode(), 0), detail);
    }

    public boolean notFound() {
        return code == 404;
    }

    public boolean conflict() {
        return code == 409;
    }

    /** {@code "patch node node-a failed (403): nodes is forbidden …"}, ending with what a person can do where that is clear. */
    public String explain(String call) {
        String answer = code == 0 ? "no answer from the API server" : "(" + code + ")";
        String hint = code == 403 ? "; the controller's ClusterRole lacks this verb (see the README's RBAC list)" : "";
        return call + " failed " + answer + ": " + detail + hint;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
