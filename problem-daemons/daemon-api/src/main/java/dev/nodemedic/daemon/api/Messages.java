package dev.nodemedic.daemon.api;

import java.nio.charset.StandardCharsets;

/** The bound on a condition's or an event's message. */
final class Messages {
    /** Marks a message that was cut. Three bytes in UTF-8. */
    private static final String CUT = "…";

    private Messages() {
    }

    /**
     * {@code message} when it fits in {@link Condition#MAX_MESSAGE_BYTES} UTF-8 bytes, else its start
     * cut at a character boundary (never inside a surrogate pair or a UTF-8 sequence) and ending in "…".
     */
    static String bounded(String message) {
        int max = Condition.MAX_MESSAGE_BYTES;
        // Most messages are short: at most 3 bytes per char, so no count is needed.
        if (message.length() * 3L <= max) {
            return message;
        }
        int bytes = 0;
        int budget = max - CUT.getBytes(StandardCharsets.UTF_8).length;
        int cut = -1;
        for (int i = 0; i < message.length(); ) {
            int codePoint = message.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (cut < 0 && bytes + size > budget) {
                cut = i;
            }
            bytes += size;
            if (bytes > max) {
                return message.substring(0, cut) + CUT;
            }
            i += Character.charCount(codePoint);
        }
        return message;
    }
}
