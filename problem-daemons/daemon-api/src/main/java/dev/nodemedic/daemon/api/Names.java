package dev.nodemedic.daemon.api;

/** The checks asked of condition types and reasons. */
final class Names {
    /** The Kubernetes API's limit on an Event reason; used for condition types and reasons alike. */
    static final int MAX_LENGTH = 128;

    private Names() {
    }

    /**
     * Types and reasons are meant to be UpperCamelCase ({@code KernelDeadlock}), but NPD's rule files
     * in the wild are not all so tidy and must load unchanged, so only what would break the API or a
     * reader is refused: empty, white space, or longer than the API allows.
     */
    static void requireToken(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " \"" + value.substring(0, 32) + "…\" is " + value.length() + " characters, at most " + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i)) || Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " \"" + value + "\" must be one word, such as KernelDeadlock (no spaces)");
            }
        }
    }
}
