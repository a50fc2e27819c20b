package dev.nodemedic.logsources;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One line of {@code journalctl --output=json}: a flat JSON object whose values are strings, except that a
 * field journald holds as binary (a MESSAGE with control characters or bytes that are not UTF-8) comes as
 * an array of byte values, a field the entry holds more than once as an array of its values (the first is
 * kept), and an absent one as null. Only the fields asked for are kept: a reader needs a few of the dozens
 * an entry has, and a line is read for every entry of a busy journal.
 *
 * <p>The agent's journal reader parses the live stream with it, {@code nodemedic rules test --format journal}
 * a saved file of the same output: one parser, so both read a line alike.
 *
 * @param cursor         {@code __CURSOR}, to resume after; empty when absent
 * @param realtimeMicros {@code __REALTIME_TIMESTAMP}, microseconds since the epoch
 * @param message        {@code MESSAGE}, empty when absent; bytes that are not UTF-8 are read as U+FFFD
 * @param fields         the asked-for fields the entry has
 */
public record JournalLine(String cursor, long realtimeMicros, String message, Map<String, String> fields) {

    public JournalLine {
        fields = Map.copyOf(fields);
    }

    /** The line's cursor, time and message, no other field. */
    public static JournalLine parse(String json) {
        return parse(json, Set.of());
    }

    /**
     * @param wanted the fields besides cursor, time and message to keep
     * @throws IllegalArgumentException when the line is not such an object or has no {@code __REALTIME_TIMESTAMP},
     *                                  saying what was expected at which character
     */
    public static JournalLine parse(String json, Set<String> wanted) {
        Reader r = new Reader(json);
        String cursor = "";
        long realtime = -1;
        String message = "";
        Map<String, String> fields = new HashMap<>();
        r.skipSpace();
        r.expect('{');
        r.skipSpace();
        if (r.peek() == '}') {
            r.at++;
        } else {
            while (true) {
                r.skipSpace();
                String key = r.string();
                r.skipSpace();
                r.expect(':');
                r.skipSpace();
                String value = r.value();
                switch (key) {
                    case "__CURSOR" -> cursor = value == null ? "" : value;
                    case "__REALTIME_TIMESTAMP" -> realtime = value == null ? -1 : parseMicros(value);
                    case "MESSAGE" -> message = value == null ? "" : value;
                    default -> {
                        if (value != null && wanted.contains(key)) {
                            fields.put(key, value);
                        }
                    }
                }
                r.skipSpace();
                char c = r.next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or } at " + (r.at - 1));
                }
            }
        }
        r.skipSpace();
        if (r.at < json.length()) {
            throw new IllegalArgumentException("unexpected text after the object at " + r.at);
        }
        if (realtime < 0) {
            throw new IllegalArgumentException("no __REALTIME_TIMESTAMP");
        }
        return new JournalLine(cursor, realtime, message, fields);
    }

    private static long parseMicros(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("__REALTIME_TIMESTAMP \"" + value + "\" is not a number", e);
        }
    }

    private static final class Reader {
        private final String s;
        private int at;

        Reader(String s) {
            this.s = s;
        }

        char peek() {
            if (at >= s.length()) {
                throw new IllegalArgumentException("unexpected end at " + at);
            }
            return s.charAt(at);
        }

        char next() {
            char c = peek();
            at++;
            return c;
        }

        void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (at - 1));
            }
        }

        void skipSpace() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        /** A string, a number or literal as its text, an array of bytes as UTF-8 text, an array of values as its first, or null. */
        String value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '[') {
                return array();
            }
            if (c == '{') {
                // journalctl's JSON is flat; a nested object means the line is something else.
                throw new IllegalArgumentException("expected a string, an array or null at " + at);
            }
            int start = at;
            while (at < s.length() && ",}] \t".indexOf(s.charAt(at)) < 0) {
                at++;
            }
            if (start == at) {
                throw new IllegalArgumentException("expected a value at " + at);
            }
            String word = s.substring(start, at);
            return word.equals("null") ? null : word;
        }

        String string() {
            expect('"');
            StringBuilder out = null;
            int start = at;
            while (true) {
                char c = next();
                if (c == '"') {
                    return out == null ? s.substring(start, at - 1) : out.toString();
                }
                if (c == '\\') {
                    if (out == null) {
                        out = new StringBuilder().append(s, start, at - 1);
                    }
                    char e = next();
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> out.append(unicodeEscape());
                        default -> out.append(e);
                    }
                } else if (out != null) {
                    out.append(c);
                }
            }
        }

        /** The four hex digits of a unicode escape; a surrogate pair is two escapes, appended one after the other. */
        private char unicodeEscape() {
            if (at + 4 > s.length()) {
                throw new IllegalArgumentException("short \\u escape at " + (at - 2));
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
                int digit = Character.digit(s.charAt(at + i), 16);
                if (digit < 0) {
                    throw new IllegalArgumentException("bad \\u escape at " + (at - 2));
                }
                code = code * 16 + digit;
            }
            at += 4;
            return (char) code;
        }

        /** Bytes ({@code [104,105]}) as UTF-8 text; several values of one field ({@code ["a","b"]} or arrays of bytes) as the first. */
        String array() {
            expect('[');
            skipSpace();
            if (peek() == ']') {
                at++;
                return "";
            }
            if (peek() == '"' || peek() == '[') {
                String first = null;
                while (true) {
                    skipSpace();
                    String one = value();
                    first = first == null ? one : first;
                    skipSpace();
                    char c = next();
                    if (c == ']') {
                        return first;
                    }
                    if (c != ',') {
                        throw new IllegalArgumentException("expected , or ] at " + (at - 1));
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                skipSpace();
                int start = at;
                while (peek() >= '0' && peek() <= '9') {
                    at++;
                }
                if (start == at || at - start > 3) {
                    throw new IllegalArgumentException("expected a byte value at " + start);
                }
                int b = Integer.parseInt(s, start, at, 10);
                if (b > 255) {
                    throw new IllegalArgumentException("expected a byte value at " + start);
                }
                out.write(b);
                skipSpace();
                char c = next();
                if (c == ']') {
                    return out.toString(StandardCharsets.UTF_8);
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or ] at " + (at - 1));
                }
            }
        }
    }
}
