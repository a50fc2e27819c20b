package dev.nodemedic.reporter.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Objects;

/**
 * Why a call to the API server failed, in the terms a node operator acts on, and how soon it is
 * worth trying again.
 *
 * @param kind   the class of failure
 * @param code   the HTTP status, 0 when no answer came
 * @param detail what the server or the client said
 */
record ApiFailure(Kind kind, int code, String detail) {
    enum Kind {
        NOT_FOUND, UNAUTHORIZED, FORBIDDEN, CONFLICT, REJECTED, THROTTLED, SERVER_ERROR, UNREACHABLE;

        /** The longest pause between tries: short where the server itself will recover, long where a person must act. */
        Duration retryCap() {
            return switch (this) {
                // Within about a second of the server's return the node shows the latest truth.
                case SERVER_ERROR, UNREACHABLE, THROTTLED, CONFLICT -> Duration.ofSeconds(1);
                // kubelet registers the node within seconds of its own start.
                case NOT_FOUND -> Duration.ofSeconds(5);
                // A token being rotated or a ClusterRole being fixed.
                case UNAUTHORIZED, FORBIDDEN, REJECTED -> Duration.ofSeconds(30);
            };
        }
    }

    ApiFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    static ApiFailure of(KubernetesClientException e) {
        int code = e.getCode();
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : firstLine(e);
        // fabric8 reports no answer (refused, reset, timed out) as code 0 or -1.
        Kind kind = code <= 0 ? Kind.UNREACHABLE : switch (code) {
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 429 -> Kind.THROTTLED;
            default -> code >= 500 ? Kind.SERVER_ERROR : Kind.REJECTED;
        };
        return new ApiFailure(kind, Math.max(code, 0), detail);
    }

    /** The response code as the metrics show it: the HTTP status, or {@code none} when no answer came. */
    String codeLabel() {
        return code == 0 ? "none" : Integer.toString(code);
    }

    /**
     * A log line's text: what failed, what is missing, what happens now.
     *
     * @param call such as {@code patch nodes/status}
     */
    String explain(String node, String call) {
        String what = switch (kind) {
            case NOT_FOUND -> "node " + node + " does not exist on the API server (404): check --node-name / NODE_NAME, or kubelet has not registered it yet";
            case UNAUTHORIZED -> "the API server refused our credentials (401): the service account token is missing, expired or not mounted";
            case FORBIDDEN -> "RBAC forbids " + call + " (403): the agent's ClusterRole needs nodes get and watch, nodes/status patch, events create and patch";
            case CONFLICT -> "the API server reported a conflict (409)";
            case REJECTED -> "the API server rejected the request (" + code + ")";
            case THROTTLED -> "the API server is throttling us (429)";
            case SERVER_ERROR -> "the API server failed (" + code + ")";
            case UNREACHABLE -> "the API server did not answer";
        };
        return what + "; " + call + " is retried with backoff up to every " + kind.retryCap().toSeconds() + "s";
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
