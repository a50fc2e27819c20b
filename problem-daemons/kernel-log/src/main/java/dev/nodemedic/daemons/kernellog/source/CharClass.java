package dev.nodemedic.daemons.kernellog.source;

/**
 * A character class of RE2 syntax whose ASCII members are listed and whose other characters are either
 * all in or all out: {@code .}, {@code \S}, {@code \d}, {@code [^"]}, {@code [0-9.]}, ... RE2's Perl
 * classes are ASCII-only ({@code \s} is {@code [\t\n\f\r ]}), so this covers them. Checked per char,
 * which equals RE2's per code point: both halves of a surrogate pair are non-ASCII, so a pair is in or
 * out as a whole.
 */
final class CharClass {
    static final CharClass ANY_BUT_NEWLINE = new CharClass(allBut('\n'), true);

    private final boolean[] ascii;
    private final boolean others;

    private CharClass(boolean[] ascii, boolean others) {
        this.ascii = ascii;
        this.others = others;
    }

    boolean contains(char c) {
        return c < 128 ? ascii[c] : others;
    }

    /** For a byte of UTF-8: an ASCII byte is its character; any other byte is part of a non-ASCII character. */
    boolean contains(byte b) {
        return b >= 0 ? ascii[b] : others;
    }

    static CharClass single(char c) {
        if (c >= 128) {
            throw new IllegalArgumentException("a non-ASCII char repeated");
        }
        boolean[] in = new boolean[128];
        in[c] = true;
        return new CharClass(in, false);
    }

    /** {@code \d \s \w} and their negations, or null for another letter. */
    static CharClass perl(char letter) {
        boolean[] in = new boolean[128];
        switch (Character.toLowerCase(letter)) {
            case 'd' -> range(in, '0', '9');
            case 's' -> {
                for (char c : new char[] {'\t', '\n', '\f', '\r', ' '}) {
                    in[c] = true;
                }
            }
            case 'w' -> {
                range(in, '0', '9');
                range(in, 'A', 'Z');
                range(in, 'a', 'z');
                in['_'] = true;
            }
            default -> {
                return null;
            }
        }
        CharClass c = new CharClass(in, false);
        return Character.isUpperCase(letter) ? c.negated() : c;
    }

    /** The inside of {@code [...]}: ASCII chars, ranges, escaped punctuation, {@code \t \n \f \r}, Perl classes. */
    static CharClass parseBracket(String inside) {
        boolean negate = inside.startsWith("^");
        int i = negate ? 1 : 0;
        boolean[] in = new boolean[128];
        boolean others = false;
        while (i < inside.length()) {
            char c = inside.charAt(i);
            if (c == '\\') {
                char e = inside.charAt(i + 1);
                CharClass perl = perl(e);
                if (perl != null) {
                    for (int k = 0; k < 128; k++) {
                        in[k] |= perl.ascii[k];
                    }
                    others |= perl.others;
                    i += 2;
                    continue;
                }
                c = switch (e) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'f' -> '\f';
                    case 'r' -> '\r';
                    default -> {
                        if (Character.isLetterOrDigit(e) || e >= 128) {
                            throw new IllegalArgumentException("escape \\" + e + " in a class");
                        }
                        yield e;
                    }
                };
                i += 2;
            } else {
                i++;
            }
            if (c >= 128) {
                throw new IllegalArgumentException("non-ASCII in a class");
            }
            if (i + 1 < inside.length() && inside.charAt(i) == '-') {
                char to = inside.charAt(i + 1);
                if (to == '\\' || to >= 128 || to < c) {
                    throw new IllegalArgumentException("range");
                }
                range(in, c, to);
                i += 2;
            } else {
                in[c] = true;
            }
        }
        CharClass c = new CharClass(in, others);
        return negate ? c.negated() : c;
    }

    private CharClass negated() {
        boolean[] out = new boolean[128];
        for (int k = 0; k < 128; k++) {
            out[k] = !ascii[k];
        }
        return new CharClass(out, !others);
    }

    private static void range(boolean[] in, char from, char to) {
        for (char c = from; c <= to; c++) {
            in[c] = true;
        }
    }

    private static boolean[] allBut(char excluded) {
        boolean[] in = new boolean[128];
        java.util.Arrays.fill(in, true);
        in[excluded] = false;
        return in;
    }
}
