package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cursor over the text of a {@code /proc} file, read in one go: line by line, then word by word or
 * number by number, parsed from the bytes. These files are a few kilobytes of space-separated
 * ASCII; reading them with a regular expression per line or a split per line would cost more than
 * everything else a collection cycle does.
 */
final class ProcText {
    private final Path file;
    private final byte[] bytes;
    private int lineEnd = -1;
    private int position;

    private ProcText(Path file, byte[] bytes) {
        this.file = file;
        this.bytes = bytes;
    }

    static ProcText read(Path file) throws IOException {
        return new ProcText(file, Files.readAllBytes(file));
    }

    static ProcText of(String text) {
        return new ProcText(Path.of("(text)"), text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Moves to the next line; false after the last. */
    boolean nextLine() {
        int start = lineEnd + 1;
        if (start >= bytes.length) {
            return false;
        }
        int end = start;
        while (end < bytes.length && bytes[end] != '\n') {
            end++;
        }
        position = start;
        lineEnd = end;
        return true;
    }

    /** The next word of the line (up to a blank or the line's end); empty at the end of the line. */
    String word() {
        skipBlanks();
        int start = position;
        while (position < lineEnd && !isBlank(bytes[position])) {
            position++;
        }
        return new String(bytes, start, position - start, StandardCharsets.ISO_8859_1);
    }

    /** The text up to the next {@code :} of the line, trimmed, and moves past the colon; empty when there is none. */
    String label() {
        skipBlanks();
        int start = position;
        int colon = start;
        while (colon < lineEnd && bytes[colon] != ':') {
            colon++;
        }
        if (colon == lineEnd) {
            return "";
        }
        int end = colon;
        while (end > start && isBlank(bytes[end - 1])) {
            end--;
        }
        position = colon + 1;
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** True when the line, from where the cursor is, starts with {@code prefix}. */
    boolean startsWith(String prefix) {
        if (position + prefix.length() > lineEnd) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[position + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The next unsigned decimal number of the line.
     *
     * @throws IOException naming the file and line when there is none, so a format we do not know is
     *                     said rather than read as zeros
     */
    long number() throws IOException {
        skipBlanks();
        int start = position;
        long value = 0;
        while (position < lineEnd && bytes[position] >= '0' && bytes[position] <= '9') {
            value = value * 10 + (bytes[position] - '0');
            position++;
        }
        if (position == start) {
            throw new IOException(file + ": expected a number in \"" + currentLine() + "\"");
        }
        return value;
    }

    /** The next decimal fraction of the line ({@code 0.42}, {@code 10426.76}). */
    double decimal() throws IOException {
        String word = word();
        try {
            return Double.parseDouble(word);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": expected a decimal number in \"" + currentLine() + "\"");
        }
    }

    /** The rest of the line, trimmed. */
    String rest() {
        skipBlanks();
        int end = lineEnd;
        while (end > position && isBlank(bytes[end - 1])) {
            end--;
        }
        String rest = new String(bytes, position, end - position, StandardCharsets.ISO_8859_1);
        position = lineEnd;
        return rest;
    }

    private String currentLine() {
        int start = lineEnd;
        while (start > 0 && bytes[start - 1] != '\n') {
            start--;
        }
        return new String(bytes, start, lineEnd - start, StandardCharsets.ISO_8859_1);
    }

    private void skipBlanks() {
        while (position < lineEnd && isBlank(bytes[position])) {
            position++;
        }
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }
}
