package dev.nodemedic.core.remote;

import java.util.Optional;

/**
 * Why the reporting API refused a request: becomes the JSON error body, with the HTTP status, a
 * reason a script can test (Kubernetes' StatusReason words) and the field at fault.
 */
public final class RequestRefused extends Exception {
    private static final long serialVersionUID = 1L;

    /** The reasons, with their HTTP status. */
    public enum Reason {
        /** A field is missing, of the wrong kind, or out of range. */
        Invalid(400),
        /** The daemon was registered by another client (another user): only that client may change or remove it. */
        Forbidden(403),
        /** No daemon of that name is registered (never, or it unregistered). */
        NotFound(404),
        MethodNotAllowed(405),
        /** The name or a condition type belongs to another daemon, or too many daemons are registered. */
        Conflict(409),
        /** The daemon's lease lapsed: its conditions are Unknown until it registers again. */
        Expired(410),
        RequestEntityTooLarge(413),
        /** Its rate limit is spent; Retry-After says when to come back. */
        TooManyRequests(429),
        InternalError(500);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final Reason reason;
    private final transient Optional<String> field;

    public RequestRefused(Reason reason, Optional<String> field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    static RequestRefused invalid(String field, String message) {
        return new RequestRefused(Reason.Invalid, Optional.of(field), field + ": " + message);
    }

    public Reason reason() {
        return reason;
    }

    public Optional<String> field() {
        return field;
    }
}
