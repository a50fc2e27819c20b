package dev.nodemedic.apiserver;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a call to the API server failed, in the terms a person acts on, and how soon it is worth trying
 * again. Both processes classify fabric8's exception here, so that a 403 or a refused connection reads
 * and retries the same in the agent and in the remedy controller.
 *
 * @param kind   the class of failure
 * @param code   the HTTP status, 0 when no answer came
 * @param detail what the server said, or the client when no answer came
 */
public record ApiFailure(Kind kind, int code, String detail) {
    public enum Kind {
        NOT_FOUND, UNAUTHORIZED, FORBIDDEN, CONFLICT, REJECTED, THROTTLED, SERVER_ERROR, UNREACHABLE;

        /** The longest pause between tries: short where the server itself will recover, long where a person must act. */
        public Duration retryCap() {
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

    public ApiFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static ApiFailure of(KubernetesClientException e) {
        int code = e.getCode();
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : firstLine(e);
        // fabric8 reports no answer (refused, reset, timed out) as code 0 or -1.
        Kind kind = code <= 0 ? Kind.UNREACHABLE : switch (code) {
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 429 -> Kind.THROTTLED;
            // Request Timeout: the server (or a proxy before it) gave up waiting, nothing was wrong with the request;
            // the same request may go through a moment later, as after a 504.
            case 408 -> Kind.SERVER_ERROR;
            default -> code >= 500 ? Kind.SERVER_ERROR : Kind.REJECTED;
        };
        return new ApiFailure(kind, Math.max(code, 0), detail);
    }

    public boolean notFound() {
        return kind == Kind.NOT_FOUND;
    }

    public boolean conflict() {
        return kind == Kind.CONFLICT;
    }

    /** The response code as the metrics show it: the HTTP status, or {@code none} when no answer came. */
    public String codeLabel() {
        return code == 0 ? "none" : Integer.toString(code);
    }

    /**
     * One line for a status entry, an Event or a log line about a call made once: the call, the answer,
     * what the server said, and what a person can do where that is clear, such as
     * {@code patch node node-a failed (403): nodes "node-a" is forbidden: …; the controller's ClusterRole lacks this verb (…)}.
     *
     * @param call such as {@code patch node node-a}
     */
    public String explain(String call, Caller caller) {
        String answer = code == 0 ? ", no answer from the API server" : " (" + code + ")";
        return call + " failed" + answer + ": " + detail + hint(Target.NODE, caller).map(h -> "; " + h).orElse("");
    }

    /** What a retried call is about, which decides what a 404 means. */
    public enum Target {
        /** The Node itself (get, watch, patch its status): a 404 is the node missing. */
        NODE,
        /**
         * An Event about the node: a create that meets 404 lacks its namespace, not the node (the API server
         * does not check {@code involvedObject}); a patch that meets 404 lacks the Event, which expired.
         */
        EVENT
    }

    /**
     * The longest pause between tries of a call about {@code target}: the kind's {@link Kind#retryCap()}, but an
     * Event's 404 waits like a 403. That 404 is a create that found no namespace (a patch meeting 404 is written
     * again as a create at once), which a person must make; the kind's 5 s is meant for a node kubelet has not
     * registered yet.
     */
    public Duration retryCap(Target target) {
        return kind == Kind.NOT_FOUND && target == Target.EVENT ? Kind.FORBIDDEN.retryCap() : kind.retryCap();
    }

    /**
     * A log line about a call about {@code node} that is retried with {@link Backoff} up to
     * {@link #retryCap(Target)}: what failed, what to check, what happens now. The server's detail is left
     * out, for the log line to carry as a field.
     *
     * @param target what the call is about: a 404 is worded for it
     * @param call   such as {@code patch nodes/node-a/status}
     */
    public String explainRetried(Target target, String node, String call, Caller caller) {
        String what = switch (kind) {
            case NOT_FOUND -> switch (target) {
                case NODE -> "node " + node + " does not exist on the API server (404)";
                case EVENT -> "the API server found no namespace or Event for " + call + " about node " + node + " (404)";
            };
            case UNAUTHORIZED -> "the API server refused our credentials (401)";
            case FORBIDDEN -> "RBAC forbids " + call + " (403)";
            case CONFLICT -> "the API server reported a conflict (409)";
            case REJECTED -> "the API server rejected the request (" + code + ")";
            case THROTTLED -> "the API server is throttling us (429)";
            case SERVER_ERROR -> "the API server failed (" + code + ")";
            case UNREACHABLE -> "the API server did not answer";
        };
        return what + hint(target, caller).map(h -> ": " + h).orElse("") + "; " + call + " is retried with backoff up to every "
                + retryCap(target).toSeconds() + "s";
    }

    private Optional<String> hint(Target target, Caller caller) {
        return switch (kind) {
            case NOT_FOUND -> switch (target) {
                case NODE -> caller.notFound();
                // The node's name is not at fault here, whoever writes: the Events' namespace is.
                case EVENT -> Optional.of("Events about nodes go to namespace default, as kubelet's; check that it exists");
            };
            case UNAUTHORIZED -> Optional.of("the service account token is missing, expired or not mounted");
            case FORBIDDEN -> Optional.of(caller.forbidden());
            case CONFLICT, REJECTED, THROTTLED, SERVER_ERROR, UNREACHABLE -> Optional.empty();
        };
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
