package dev.nodemedic.daemons.kernellog.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code pluginConfig} expression of a shape read by hand in one scan of the line, with exactly the
 * result Go's RE2 (and RE2/J) gives: the leftmost match, greedy repetition, and the last group's text
 * (the whole match when there is no group). RE2/J extracts groups with its NFA, some 15 µs for a
 * kern.log line, which made NPD's own {@code kernel: \[.*\] (.*)} the agent's bottleneck.
 *
 * <p>The shapes ({@code A} and {@code B} literals, {@code C} a character class such as {@code \S},
 * {@code [^"]}, {@code .}, {@code \d}; {@code ^} optional):
 * <ul>
 * <li>{@code ^.{n}} and {@code ^(.{n})}: the first n characters (NPD's syslog timestamp);</li>
 * <li>{@code A.*B(.*)} ({@code .+} for either): after the <em>last</em> B that follows the first A,
 *     since the first {@code .*} is greedy (NPD's {@code kernel: \[.*\] (.*)});</li>
 * <li>{@code A(C*)B}, {@code A(C+)B}, with or without the group, optionally ending in {@code $}: the
 *     longest run of C after the first A that can be followed by B (NPD's docker
 *     {@code ^time="(\S*)"} and {@code msg="([^\n]*)"}, {@code kernel: (.*)}, {@code ^\S+});</li>
 * <li>{@code A C* B (D*)}, either repeat grouped or none: the same, then the run of D after B
 *     ({@code kernel:[^\]]*\] (.*)}, {@code ^[^ ]* (\S+)}).</li>
 * </ul>
 * Anything else (alternation, flags, nested groups, lazy repetition, ...) is not recognised and is run by
 * RE2/J, which is linear in the line too. A line holding a newline is left to RE2/J as well ({@code .} and
 * {@code \n} are subtle there; lines read from a file never hold one).
 */
abstract sealed class HandReadExpression {
    /** {@link #find}: the expression does not match the line. */
    static final long NO_MATCH = -1;
    /** {@link #find}: the bytes alone cannot tell (see there); decode the line and ask RE2/J. */
    static final long UNDECIDED = -2;

    /** The text the expression takes from {@code line}, or null when it does not match. No newline in {@code line}. */
    abstract String extract(String line);

    /**
     * {@link #extract(String)} of the line whose UTF-8 bytes are {@code line[from, to)} (no newline), without
     * decoding it: where the text starts and ends in the bytes ({@link #start}, {@link #end}), {@link #NO_MATCH},
     * or {@link #UNDECIDED}. The result is that of the decoded line because the literals are ASCII (else:
     * undecided) and an ASCII byte is always its character in UTF-8, never part of a multi-byte or
     * malformed sequence; any other byte belongs to a non-ASCII character, which each class takes or
     * leaves as a whole (see {@link CharClass}), and a run of bytes is not empty exactly when its
     * characters are not. So every boundary found lies next to an ASCII byte or at the line's end, and the
     * bytes between two of them decode to the same text as that part of the decoded line. Only a count
     * of characters ({@code .{n}} over non-ASCII text) needs decoding: undecided.
     */
    long find(byte[] line, int from, int to) {
        return find(line, from, to, to);
    }

    /**
     * {@link #find(byte[], int, int)}, told by whoever cut the line that no byte after {@code lastMarker}
     * is {@link #marker()} ({@code from - 1}: none in the line; {@code to}: not known). An expression
     * that searches the line from its end for a literal starting with that byte starts there.
     */
    abstract long find(byte[] line, int from, int to, int lastMarker);

    /** The byte whose last place in a line {@link #find(byte[], int, int, int)} can use, or -1. */
    int marker() {
        return -1;
    }

    static long range(int start, int end) {
        return (long) start << 32 | end;
    }

    static int start(long range) {
        return (int) (range >>> 32);
    }

    static int end(long range) {
        return (int) range;
    }

    /** The literal's bytes when it is ASCII (so one byte a char), else null. */
    static byte[] ascii(String literal) {
        byte[] out = new byte[literal.length()];
        for (int i = 0; i < out.length; i++) {
            char c = literal.charAt(i);
            if (c >= 128) {
                return null;
            }
            out[i] = (byte) c;
        }
        return out;
    }

    static boolean startsWith(byte[] line, int at, int to, byte[] literal) {
        if (at < 0 || to - at < literal.length) {
            return false;
        }
        for (int k = 0; k < literal.length; k++) {
            if (line[at + k] != literal[k]) {
                return false;
            }
        }
        return true;
    }

    /** The first {@code literal} in {@code line[from, to)}, or -1. */
    static int indexOf(byte[] line, int from, int to, byte[] literal) {
        if (literal.length == 0) {
            return from <= to ? from : -1;
        }
        byte first = literal[0];
        for (int i = from, last = to - literal.length; i <= last; i++) {
            if (line[i] == first && startsWith(line, i, to, literal)) {
                return i;
            }
        }
        return -1;
    }

    /** The last {@code literal} starting in {@code [lowest, highest]}, or -1. */
    static int lastIndexOf(byte[] line, int lowest, int highest, byte[] literal) {
        if (literal.length == 0) {
            return highest >= lowest ? highest : -1;
        }
        byte first = literal[0];
        for (int i = highest; i >= lowest; i--) {
            if (line[i] == first && startsWith(line, i, i + literal.length, literal)) {
                return i;
            }
        }
        return -1;
    }

    /** The shape {@code regex} has, if it is one read by hand. */
    static Optional<HandReadExpression> recognise(String regex) {
        List<Token> tokens;
        try {
            tokens = tokens(regex);
        } catch (IllegalArgumentException notSimple) {
            return Optional.empty();
        }
        return Optional.ofNullable(shape(tokens));
    }

    // ---- shapes ----

    /** {@code ^.{n}}: the line's first n characters, none of them half of a surrogate pair. */
    static final class FixedWidth extends HandReadExpression {
        private final int width;

        FixedWidth(int width) {
            this.width = width;
        }

        int width() {
            return width;
        }

        @Override
        String extract(String line) {
            if (line.length() < width) {
                return null;
            }
            for (int i = 0; i < width; i++) {
                if (Character.isSurrogate(line.charAt(i))) {
                    // "." is a code point, not a char: a pair inside the prefix makes it longer.
                    if (line.codePointCount(0, line.length()) < width) {
                        return null;
                    }
                    return line.substring(0, line.offsetByCodePoints(0, width));
                }
            }
            return line.substring(0, width);
        }

        @Override
        long find(byte[] line, int from, int to, int lastMarker) {
            int end = from + width;
            for (int i = from; i < Math.min(end, to); i++) {
                if (line[i] < 0) {
                    return UNDECIDED; // characters, not bytes, are counted
                }
            }
            return end <= to ? range(from, end) : NO_MATCH;
        }
    }

    /** {@code A.*B(.*)}: after the last B that follows the first A. */
    static final class AfterLast extends HandReadExpression {
        private final boolean anchored;
        private final String a;
        private final int middleMin;
        private final String b;
        private final int tailMin;
        private final boolean tailOnly;
        private final byte[] aBytes;
        private final byte[] bBytes;

        AfterLast(boolean anchored, String a, int middleMin, String b, int tailMin, boolean tailOnly) {
            this.anchored = anchored;
            this.a = a;
            this.middleMin = middleMin;
            this.b = b;
            this.tailMin = tailMin;
            this.tailOnly = tailOnly;
            this.aBytes = ascii(a);
            this.bBytes = ascii(b);
        }

        @Override
        int marker() {
            return bBytes != null && bBytes.length > 0 ? bBytes[0] : -1;
        }

        @Override
        long find(byte[] line, int from, int to, int lastMarker) {
            if (aBytes == null || bBytes == null) {
                return UNDECIDED;
            }
            int start = anchored ? (startsWith(line, from, to, aBytes) ? from : -1) : indexOf(line, from, to, aBytes);
            if (start < 0) {
                return NO_MATCH;
            }
            // Searched from the end: in a kern.log line the last "] " is the one closing the uptime.
            int highest = to - bBytes.length - tailMin;
            if (bBytes.length > 0) {
                highest = Math.min(highest, lastMarker); // no B can start after the last byte B starts with
            }
            int last = lastIndexOf(line, start + aBytes.length + middleMin, highest, bBytes);
            if (last < 0) {
                return NO_MATCH;
            }
            return tailOnly ? range(last + bBytes.length, to) : range(start, to);
        }

        @Override
        String extract(String line) {
            // The leftmost start is the first A: a later one leaves the greedy .* only fewer B to reach.
            int start = anchored ? (line.startsWith(a) ? 0 : -1) : line.indexOf(a);
            if (start < 0) {
                return null;
            }
            int last = line.lastIndexOf(b, line.length() - b.length() - tailMin);
            if (last < start + a.length() + middleMin) {
                return null;
            }
            return tailOnly ? line.substring(last + b.length()) : line.substring(start);
        }
    }

    /**
     * {@code A(C*)B}, optionally followed by a repeat of another class ({@code A C* B (D*)}): the longest
     * run of C after the first A that B (and then at least the minimum of D) can follow.
     */
    static final class ClassRun extends HandReadExpression {
        enum Take { RUN, TAIL, WHOLE }

        private final boolean anchored;
        private final String a;
        private final CharClass c;
        private final int min;
        private final String b;
        private final CharClass tail;
        private final int tailMin;
        private final boolean toEnd;
        private final Take take;
        private final byte[] aBytes;
        private final byte[] bBytes;

        ClassRun(boolean anchored, String a, CharClass c, int min, String b, CharClass tail, int tailMin, boolean toEnd, Take take) {
            this.anchored = anchored;
            this.a = a;
            this.c = c;
            this.min = min;
            this.b = b;
            this.tail = tail;
            this.tailMin = tailMin;
            this.toEnd = toEnd;
            this.take = take;
            this.aBytes = ascii(a);
            this.bBytes = ascii(b);
        }

        @Override
        long find(byte[] line, int from, int to, int lastMarker) {
            if (aBytes == null || bBytes == null) {
                return UNDECIDED;
            }
            int at = from;
            while (true) {
                int start = anchored ? (at == from && startsWith(line, from, to, aBytes) ? from : -1) : indexOf(line, at, to, aBytes);
                if (start < at) {
                    return NO_MATCH;
                }
                int runStart = start + aBytes.length;
                int runEnd = runStart;
                while (runEnd < to && c.contains(line[runEnd])) {
                    runEnd++;
                }
                int end = end(line, to, runStart + min, runEnd);
                if (end >= 0) {
                    if (take == Take.RUN) {
                        return range(runStart, end);
                    }
                    int tailStart = end + bBytes.length;
                    int tailEnd = tailStart;
                    if (tail != null) {
                        while (tailEnd < to && tail.contains(line[tailEnd])) {
                            tailEnd++;
                        }
                    }
                    return take == Take.TAIL ? range(tailStart, tailEnd) : range(start, tailEnd);
                }
                if (anchored) {
                    return NO_MATCH;
                }
                at = Math.max(start + 1, runEnd - aBytes.length + 1);
            }
        }

        private int end(byte[] line, int to, int lowest, int runEnd) {
            if (toEnd && tail == null) {
                int end = to - bBytes.length;
                return end >= lowest && end <= runEnd && startsWith(line, end, to, bBytes) ? end : -1;
            }
            for (int end = runEnd; end >= lowest; end--) {
                if (startsWith(line, end, to, bBytes) && (tailMin == 0 || end + bBytes.length < to && tail.contains(line[end + bBytes.length]))) {
                    return end;
                }
            }
            return -1;
        }

        @Override
        String extract(String line) {
            int from = 0;
            while (true) {
                int start = anchored ? (from == 0 && line.startsWith(a) ? 0 : -1) : line.indexOf(a, from);
                if (start < from) { // not found; or from past the end, where an empty A is "found" at the end again
                    return null;
                }
                int runStart = start + a.length();
                int runEnd = runStart;
                while (runEnd < line.length() && c.contains(line.charAt(runEnd))) {
                    runEnd++;
                }
                int end = end(line, runStart + min, runEnd);
                if (end >= 0) {
                    return text(line, start, runStart, end);
                }
                if (anchored) {
                    return null;
                }
                // A later A whose run starts inside this run ends where this one does, with fewer ends to
                // try: it fails too. So the next try starts past this run, and each char is scanned once.
                from = Math.max(start + 1, runEnd - a.length() + 1);
            }
        }

        /** Greedy: the longest run first, then shorter ones, each followed by B and what B must be followed by. */
        private int end(String line, int lowest, int runEnd) {
            if (toEnd && tail == null) {
                int end = line.length() - b.length();
                return end >= lowest && end <= runEnd && line.startsWith(b, end) ? end : -1;
            }
            for (int end = runEnd; end >= lowest; end--) {
                if (line.startsWith(b, end) && (tailMin == 0 || end + b.length() < line.length() && tail.contains(line.charAt(end + b.length())))) {
                    return end;
                }
            }
            return -1;
        }

        private String text(String line, int start, int runStart, int end) {
            if (take == Take.RUN) {
                return line.substring(runStart, end);
            }
            int tailStart = end + b.length();
            int tailEnd = tailStart;
            if (tail != null) {
                while (tailEnd < line.length() && tail.contains(line.charAt(tailEnd))) {
                    tailEnd++;
                }
            }
            return take == Take.TAIL ? line.substring(tailStart, tailEnd) : line.substring(start, tailEnd);
        }
    }

    // ---- recognising ----

    private static HandReadExpression shape(List<Token> tokens) {
        int i = 0;
        boolean anchored = i < tokens.size() && tokens.get(i) == Token.START;
        if (anchored) {
            i++;
        }
        int groupOpen = tokens.indexOf(Token.OPEN);
        boolean toEnd = !tokens.isEmpty() && tokens.getLast() == Token.END;
        List<Token> body = tokens.subList(i, toEnd ? tokens.size() - 1 : tokens.size());
        if (body.contains(Token.START) || body.contains(Token.END)) {
            return null;
        }
        // ^.{n}, ^(.{n})
        if (anchored && !toEnd) {
            List<Token> plain = body.stream().filter(t -> t != Token.OPEN && t != Token.CLOSE).toList();
            boolean wrapped = groupOpen < 0 || (body.getFirst() == Token.OPEN && body.getLast() == Token.CLOSE);
            if (wrapped && plain.size() == 1 && plain.getFirst() instanceof Repeat r && r.c() == CharClass.ANY_BUT_NEWLINE
                    && r.min() == r.max() && r.min() > 0) {
                return new FixedWidth(r.min());
            }
        }
        // Split: literal A, one repeat, literal B, optionally a group around the repeat; or A .* B (.*)
        int k = 0;
        StringBuilder a = new StringBuilder();
        while (k < body.size() && body.get(k) instanceof Literal l) {
            a.append(l.c());
            k++;
        }
        boolean open = k < body.size() && body.get(k) == Token.OPEN;
        if (open) {
            k++;
        }
        if (k >= body.size() || !(body.get(k) instanceof Repeat first) || first.max() != Repeat.UNBOUNDED || first.min() > 1) {
            return null;
        }
        k++;
        boolean close = k < body.size() && body.get(k) == Token.CLOSE;
        if (close) {
            k++;
        }
        if (open != close) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        while (k < body.size() && body.get(k) instanceof Literal l) {
            b.append(l.c());
            k++;
        }
        if (k == body.size()) {
            return new ClassRun(anchored, a.toString(), first.c(), first.min(), b.toString(), null, 0, toEnd,
                    open ? ClassRun.Take.RUN : ClassRun.Take.WHOLE);
        }
        // A C* B (D*): a second repeat to the end, grouped when the first is not.
        boolean tailGroup = body.get(k) == Token.OPEN;
        if (tailGroup) {
            k++;
        }
        if (k >= body.size() || !(body.get(k) instanceof Repeat tail) || tail.max() != Repeat.UNBOUNDED || tail.min() > 1) {
            return null;
        }
        k++;
        if (tailGroup) {
            if (k >= body.size() || body.get(k) != Token.CLOSE) {
                return null;
            }
            k++;
        }
        // $ after a .* always holds (no newline in the line); after another class it would need the run to end there.
        if (k != body.size() || (toEnd && tail.c() != CharClass.ANY_BUT_NEWLINE)) {
            return null;
        }
        if (!open && first.c() == CharClass.ANY_BUT_NEWLINE && tail.c() == CharClass.ANY_BUT_NEWLINE) {
            return new AfterLast(anchored, a.toString(), first.min(), b.toString(), tail.min(), tailGroup);
        }
        return new ClassRun(anchored, a.toString(), first.c(), first.min(), b.toString(), tail.c(), tail.min(), false,
                open ? ClassRun.Take.RUN : tailGroup ? ClassRun.Take.TAIL : ClassRun.Take.WHOLE);
    }

    /** A piece of a simple expression. */
    sealed interface Token permits Literal, Repeat, Marker {
        Marker START = new Marker("^");
        Marker END = new Marker("$");
        Marker OPEN = new Marker("(");
        Marker CLOSE = new Marker(")");
    }

    record Marker(String text) implements Token {
    }

    /** One char of the BMP that is no surrogate, as it stands. */
    record Literal(char c) implements Token {
    }

    /** A class repeated: {@code C*} is (0, UNBOUNDED), {@code C} alone is (1, 1). */
    record Repeat(CharClass c, int min, int max) implements Token {
        static final int UNBOUNDED = Integer.MAX_VALUE;
    }

    /**
     * Reads RE2 syntax into tokens; throws for anything beyond literals, ASCII classes, {@code * + ? {n}},
     * one plain group and {@code ^ $} (a group or anchor anywhere is sorted out by {@link #shape}).
     */
    static List<Token> tokens(String regex) {
        List<Token> out = new ArrayList<>();
        int groups = 0;
        int i = 0;
        while (i < regex.length()) {
            char ch = regex.charAt(i);
            Token atom;
            switch (ch) {
                case '^' -> {
                    out.add(Token.START);
                    i++;
                    continue;
                }
                case '$' -> {
                    out.add(Token.END);
                    i++;
                    continue;
                }
                case '(' -> {
                    if (regex.startsWith("(?", i) || ++groups > 1) {
                        throw new IllegalArgumentException("flags, non-capturing or a second group");
                    }
                    out.add(Token.OPEN);
                    i++;
                    continue;
                }
                case ')' -> {
                    out.add(Token.CLOSE);
                    i++;
                    continue;
                }
                case '.' -> {
                    atom = new Repeat(CharClass.ANY_BUT_NEWLINE, 1, 1);
                    i++;
                }
                case '[' -> {
                    int end = classEnd(regex, i);
                    atom = new Repeat(CharClass.parseBracket(regex.substring(i + 1, end)), 1, 1);
                    i = end + 1;
                }
                case '\\' -> {
                    if (i + 1 >= regex.length()) {
                        throw new IllegalArgumentException("trailing backslash");
                    }
                    char e = regex.charAt(i + 1);
                    CharClass perl = CharClass.perl(e);
                    if (perl != null) {
                        atom = new Repeat(perl, 1, 1);
                    } else if (isEscapablePunctuation(e)) {
                        atom = new Literal(e);
                    } else {
                        throw new IllegalArgumentException("escape \\" + e);
                    }
                    i += 2;
                }
                case '|', '*', '+', '?', '{', '}' -> throw new IllegalArgumentException("operator " + ch);
                default -> {
                    if (Character.isSurrogate(ch) || ch == '\n') {
                        throw new IllegalArgumentException("surrogate or newline");
                    }
                    atom = new Literal(ch);
                    i++;
                }
            }
            // A quantifier turns the atom into a repeat of its class.
            if (i < regex.length() && "*+?{".indexOf(regex.charAt(i)) >= 0) {
                CharClass c = switch (atom) {
                    case Repeat r -> r.c();
                    case Literal l -> CharClass.single(l.c());
                    case Marker m -> throw new IllegalStateException();
                };
                char q = regex.charAt(i);
                int min;
                int max;
                if (q == '{') {
                    int close = regex.indexOf('}', i);
                    if (close < 0) {
                        throw new IllegalArgumentException("open brace");
                    }
                    String n = regex.substring(i + 1, close);
                    if (!n.matches("[0-9]{1,4}")) {
                        throw new IllegalArgumentException("ranges other than {n}");
                    }
                    min = max = Integer.parseInt(n);
                    i = close + 1;
                } else {
                    min = q == '+' ? 1 : 0;
                    max = q == '?' ? 1 : Repeat.UNBOUNDED;
                    i++;
                }
                if (i < regex.length() && (regex.charAt(i) == '?' || regex.charAt(i) == '+' || regex.charAt(i) == '*')) {
                    throw new IllegalArgumentException("lazy or doubled repetition");
                }
                atom = new Repeat(c, min, max);
            }
            out.add(atom);
        }
        return out;
    }

    private static boolean isEscapablePunctuation(char e) {
        return e < 128 && !Character.isLetterOrDigit(e) && e != '_' && e > ' ';
    }

    private static int classEnd(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++; // "[]a]": a leading ] is a member
        }
        while (i < regex.length()) {
            char ch = regex.charAt(i);
            if (ch == '\\') {
                i += 2;
            } else if (ch == '[') {
                throw new IllegalArgumentException("nested class or [:name:]");
            } else if (ch == ']') {
                return i;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed class");
    }
}
