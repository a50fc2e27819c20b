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
     * reader is refused: empty, longer than the API allows, white space, and anything but printable
     * ASCII. A type or reason is a label value, a log field and a word in {@code kubectl describe
     * node}: a control character or a Unicode bidi override ({@code U+202E}) in it would make a
     * reader see another word than the one written.
     */
    static void requireToken(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " \"" + visible(value.substring(0, 32)) + "…\" is " + value.length() + " characters, at most "
                    + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(what + " \"" + visible(value) + "\" must be one word, such as KernelDeadlock (no spaces)");
            }
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(what + " \"" + visible(value) + "\" has " + String.format("U+%04X", (int) c) + " at " + i
                        + "; write it in printable ASCII (letters, digits and punctuation), such as KernelDeadlock");
            }
        }
    }

    /** {@code value} with every character outside printable ASCII written as {@code \\uXXXX}, so an error shows what was sent. */
    static String visible(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
