package dev.nodemedic.core.remote;

import java.util.regex.Pattern;

/**
 * The names a remote daemon sends, held to Kubernetes' conventions for {@code metav1.Condition}: a
 * condition type is a qualified name ({@code GpuFailure}, {@code example.com/GpuFailure}), a reason
 * is CamelCase ({@code XidError}). A plugin's names come from files NPD users wrote and are checked
 * more leniently (daemon-api: printable ASCII, one word); a remote daemon's come from a program
 * written against this API, so nothing else is taken, least of all a control character or a Unicode
 * bidi override that shows a reader another word than the one sent.
 */
final class ConditionNames {
    /** metav1.Condition's type: an optional DNS-subdomain prefix and a name of at most 63 characters. */
    private static final Pattern TYPE = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    /** metav1.Condition's reason. */
    private static final Pattern REASON = Pattern.compile("[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?");
    /** The daemon-api's bound on types and reasons (the Events API's on a reason). */
    private static final int MAX_LENGTH = 128;

    private ConditionNames() {
    }

    static String requireType(String field, String type) throws RequestRefused {
        if (type.length() > MAX_LENGTH || !TYPE.matcher(type).matches()) {
            throw RequestRefused.invalid(field, "\"" + visible(type) + "\" is not a condition type; write a name of ASCII letters, digits, '-', '_'"
                    + " and '.' that starts and ends with a letter or digit (at most 63 characters, such as GpuFailure), optionally after a DNS"
                    + " prefix and '/' (example.com/GpuFailure)");
        }
        return type;
    }

    static String requireReason(String field, String reason) throws RequestRefused {
        if (reason.length() > MAX_LENGTH || !REASON.matcher(reason).matches()) {
            throw RequestRefused.invalid(field, "\"" + visible(reason) + "\" is not a reason; write one CamelCase word of ASCII letters, digits and"
                    + " '_' (',' and ':' inside), starting with a letter, at most " + MAX_LENGTH + " characters, such as XidError");
        }
        return reason;
    }

    /** What was sent, with everything outside printable ASCII as {@code \\uXXXX} and cut to 80 characters: the error must not carry it raw. */
    static String visible(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && i < 80; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return value.length() > 80 ? out + "…" : out.toString();
    }
}
