package dev.nodemedic.daemons.kernellog.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * A Go (RE2) regular expression from a config file, held to bounds that keep the agent alive, then
 * compiled with RE2/J. Every expression of a kernel-log config goes through here, when the config is
 * bound (so {@code check-config} and the agent's planner refuse the same files) and when the daemon
 * builds its engine.
 *
 * <p>RE2/J has none of the bounds Go's regexp has since Go 1.19: it expands {@code (((a{100}){100}){100})}
 * into a million instructions (an agent with a 64 MiB heap dies), concatenates a long literal in
 * quadratic time (a 1.1 MB pattern never finishes compiling) and recurses once per nesting level
 * ({@code a{0,1000}} overflows a 512 KiB thread stack). So the expression is first measured here in
 * one linear pass, without recursion, and only an expression within every bound reaches RE2/J, on a
 * thread of its own with a stack deep enough for the nesting allowed.
 */
public final class GoExpression {
    /** UTF-8 bytes of one expression as written. NPD's longest pattern (docker-monitor.json) is 135 bytes. */
    public static final int MAX_BYTES = 4096;
    /**
     * Copies one counted repetition, and nested counted repetitions together, may make: Go's own limit
     * ({@code regexp/syntax}: a count over 1000, or nested counts multiplying past 1000, is an "invalid
     * repeat count"), so NPD refuses such a pattern too.
     */
    public static final int MAX_REPEAT = 1000;
    /** Nesting of groups and repetitions, counting {@code x{0,n}} as n levels (RE2/J nests its optional copies). Go allows 1000 groups. */
    public static final int MAX_DEPTH = 2000;
    /**
     * Instructions of one compiled expression (about 60 bytes of heap each). NPD's patterns compile to
     * fewer than 150; {@code a{1000}} is about 1,000.
     */
    public static final int MAX_PROGRAM = 10_000;
    /** A Unicode class such as {@code \pL} holds a table of about 3.5 KB: it counts as this many instructions. */
    static final int UNICODE_CLASS_WEIGHT = 64;
    /** Nesting any thread's stack takes (a 512 KiB stack held 500 optional copies in the interpreter): compiled where called. */
    private static final int SHALLOW = 100;
    /** Deep enough for {@link #MAX_DEPTH} levels with room to spare (4 MiB held 3,000 in the interpreter). */
    private static final long COMPILER_STACK = 16L << 20;

    private GoExpression() {
    }

    /**
     * Measures {@code expression} without compiling it: its size, repetitions and nesting.
     *
     * @param field names the expression in the error, such as {@code pattern}
     * @return an upper bound on the instructions RE2/J will compile it to (Unicode tables included)
     * @throws IllegalArgumentException starting with {@code field}, saying which bound it passes and what to do
     */
    public static int measure(String field, String expression) {
        return (int) shape(field, expression).size;
    }

    private static Shape shape(String field, String expression) {
        int bytes = utf8Length(expression);
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(field + ": " + quoted(expression) + " is " + bytes + " bytes long, at most " + MAX_BYTES
                    + " are allowed; match the distinctive part of the line and let .* take the rest");
        }
        Shape shape = new Walker(expression).walk();
        if (shape.repeats > MAX_REPEAT) {
            throw new IllegalArgumentException(field + ": " + quoted(expression) + " repeats its innermost part " + shape.repeats
                    + " times through nested counted repetitions, at most " + MAX_REPEAT + " are allowed (Go's regexp refuses it too: invalid"
                    + " repeat count); repeat less, or use + or * instead of a count");
        }
        if (shape.depth > MAX_DEPTH) {
            throw new IllegalArgumentException(field + ": " + quoted(expression) + " nests " + shape.depth + " levels deep, at most " + MAX_DEPTH
                    + " are allowed (x{0,n} counts n levels); flatten the groups or repeat less");
        }
        if (shape.size > MAX_PROGRAM) {
            throw new IllegalArgumentException(field + ": " + quoted(expression) + " would compile to about " + shape.size
                    + " instructions, at most " + MAX_PROGRAM + " are allowed for one expression; repeat less (x{n} copies x n times), or use"
                    + " fewer \\p{...} classes");
        }
        return shape;
    }

    /**
     * Measures and compiles {@code expression}, as the engine runs it.
     *
     * @throws IllegalArgumentException starting with {@code field}: a bound passed, or not valid RE2 syntax
     */
    public static Pattern compile(String field, String expression) {
        if (shape(field, expression).depth <= SHALLOW) {
            return compileMeasured(field, expression);
        }
        return onCompilerStack(() -> compileMeasured(field, expression));
    }

    /** Compiles an expression {@link #measure} accepted; call it on the {@link #onCompilerStack compiler's stack}. */
    static Pattern compileMeasured(String field, String expression) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(expression);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(field + ": " + quoted(expression) + " is not a valid RE2 regular expression (" + e.getDescription()
                    + "); fix the expression, Go's regexp syntax applies (no look-around, no back-references)");
        }
        // The measure is an upper bound; this holds the bound even if it were not.
        if (pattern.programSize() > MAX_PROGRAM) {
            throw new IllegalArgumentException(field + ": " + quoted(expression) + " compiles to " + pattern.programSize()
                    + " instructions, at most " + MAX_PROGRAM + " are allowed for one expression; repeat less (x{n} copies x n times)");
        }
        return pattern;
    }

    /**
     * Runs {@code work} on a thread with a stack deep enough for RE2/J's recursion over the nesting
     * {@link #measure} allows, whatever thread calls: the agent's threads have 512 KiB.
     */
    static <T> T onCompilerStack(Supplier<T> work) {
        Object[] result = new Object[1];
        Thread thread = new Thread(null, () -> {
            try {
                result[0] = work.get();
            } catch (RuntimeException e) {
                result[0] = e;
            }
        }, "kernel-log-rule-compiler", COMPILER_STACK);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                // The compile is short and bounded: finish it, then pass the interrupt on.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (result[0] instanceof RuntimeException e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /** The expression for an error message: whole when short, else its start. */
    static String quoted(String expression) {
        return expression.length() <= 80 ? "\"" + expression + "\"" : "\"" + expression.substring(0, 60) + "…\" (" + expression.length() + " characters)";
    }

    private static int utf8Length(String text) {
        if (text.length() > 3 * MAX_BYTES) {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /**
     * What the walk found: instructions (Go's {@code calcSize}, with Unicode tables weighed), the
     * largest product of nested repeat counts (Go's {@code repeatIsValid}), and nesting.
     */
    private record Shape(long size, long repeats, long depth) {
        static final Shape ATOM = new Shape(1, 1, 0);
    }

    /**
     * One pass over the expression with an explicit stack of open groups, so a deeply nested
     * expression costs heap, not stack. It follows Go's syntax only as far as sizes need: where the
     * expression is not valid, RE2/J says so afterwards.
     */
    private static final class Walker {
        private final String p;
        private int at;

        /** An open group: the alternatives finished so far and the concatenation under way. */
        private static final class Frame {
            final boolean capture;
            long altSize;
            long altRepeats;
            long altDepth;
            int alternatives;
            long catSize;
            long catRepeats;
            long catDepth;
            Shape last;

            Frame(boolean capture) {
                this.capture = capture;
            }

            void push(Shape atom) {
                fold();
                last = atom;
            }

            void fold() {
                if (last != null) {
                    catSize = saturated(catSize + last.size);
                    catRepeats = Math.max(catRepeats, last.repeats);
                    catDepth = Math.max(catDepth, last.depth);
                    last = null;
                }
            }

            void bar() {
                fold();
                // An empty alternative still compiles to one instruction (RE2/J's empty-width nop).
                altSize = saturated(altSize + Math.max(1, catSize));
                altRepeats = Math.max(altRepeats, catRepeats);
                altDepth = Math.max(altDepth, catDepth);
                alternatives++;
                catSize = 0;
                catRepeats = 0;
                catDepth = 0;
            }

            Shape close() {
                bar();
                long size = saturated(altSize + alternatives - 1 + (capture ? 2 : 0));
                return new Shape(size, Math.max(1, altRepeats), altDepth + 1);
            }
        }

        Walker(String expression) {
            this.p = expression;
        }

        Shape walk() {
            Deque<Frame> open = new ArrayDeque<>();
            Frame frame = new Frame(false);
            while (at < p.length()) {
                char c = p.charAt(at);
                switch (c) {
                    case '(' -> {
                        open.push(frame);
                        frame = group();
                        if (frame == null) {
                            frame = open.pop();
                        }
                    }
                    case ')' -> {
                        at++;
                        if (!open.isEmpty()) {
                            Shape group = frame.close();
                            frame = open.pop();
                            frame.push(group);
                        }
                    }
                    case '|' -> {
                        at++;
                        frame.bar();
                    }
                    case '[' -> frame.push(characterClass());
                    case '\\' -> escape(frame);
                    case '*', '+', '?' -> {
                        at++;
                        lazy();
                        frame.last = repeated(frame.last, c == '+' ? 1 : 0, c == '?' ? 1 : -1, false);
                    }
                    case '{' -> {
                        int[] counts = counts();
                        if (counts == null) {
                            at++;
                            frame.push(Shape.ATOM);
                        } else {
                            lazy();
                            frame.last = repeated(frame.last, counts[0], counts[1], true);
                        }
                    }
                    default -> {
                        at += Character.charCount(p.codePointAt(at));
                        frame.push(Shape.ATOM);
                    }
                }
            }
            // Groups left open are RE2/J's error to report; measure them as if closed.
            while (!open.isEmpty()) {
                Shape group = frame.close();
                frame = open.pop();
                frame.push(group);
            }
            Shape all = frame.close();
            // Every program begins with a fail instruction and ends with a match.
            return new Shape(saturated(all.size + 2), all.repeats, all.depth - 1);
        }

        /** At {@code (}: the group it opens, or null for a flags-only group such as {@code (?i)}, which is skipped. */
        private Frame group() {
            at++;
            if (at >= p.length() || p.charAt(at) != '?') {
                return new Frame(true);
            }
            if (p.startsWith("?P<", at) || p.startsWith("?<", at)) {
                int end = p.indexOf('>', at);
                at = end < 0 ? p.length() : end + 1;
                return new Frame(true);
            }
            int i = at + 1;
            while (i < p.length() && p.charAt(i) != ')' && p.charAt(i) != ':' && p.charAt(i) != '(') {
                i++;
            }
            if (i < p.length() && p.charAt(i) == ')') {
                at = i + 1;
                return null;
            }
            at = i < p.length() && p.charAt(i) == ':' ? i + 1 : at + 1;
            return new Frame(false);
        }

        /** From {@code [} past its {@code ]}: one instruction, plus the weight of its Unicode tables. */
        private Shape characterClass() {
            at++;
            long weight = 1;
            if (at < p.length() && p.charAt(at) == '^') {
                at++;
            }
            boolean first = true;
            while (at < p.length()) {
                char c = p.charAt(at);
                if (c == ']' && !first) {
                    at++;
                    break;
                }
                first = false;
                if (c == '[' && p.startsWith("[:", at)) {
                    int end = p.indexOf(":]", at + 2);
                    at = end < 0 ? at + 1 : end + 2;
                } else if (c == '\\') {
                    weight += escapeWeight();
                } else {
                    at += Character.charCount(p.codePointAt(at));
                }
            }
            return new Shape(weight, 1, 0);
        }

        /** At {@code \}: one escape, or {@code \Q...\E}, a literal string of one instruction per character. */
        private void escape(Frame frame) {
            if (p.startsWith("\\Q", at)) {
                int end = p.indexOf("\\E", at + 2);
                int stop = end < 0 ? p.length() : end;
                for (int i = at + 2; i < stop; i += Character.charCount(p.codePointAt(i))) {
                    frame.push(Shape.ATOM);
                }
                at = end < 0 ? p.length() : end + 2;
                return;
            }
            frame.push(new Shape(escapeWeight(), 1, 0));
        }

        /** Moves past one escape such as {@code \d}, {@code \x{263a}}, {@code \pL}, {@code \p{Greek}}; returns its weight. */
        private long escapeWeight() {
            at++;
            if (at >= p.length()) {
                return 1;
            }
            char c = p.charAt(at);
            at++;
            if (c == 'p' || c == 'P' || c == 'x') {
                if (at < p.length() && p.charAt(at) == '{') {
                    int end = p.indexOf('}', at);
                    at = end < 0 ? p.length() : end + 1;
                } else if (at < p.length()) {
                    at += c == 'x' ? Math.min(2, p.length() - at) : Character.charCount(p.codePointAt(at));
                }
                return c == 'x' ? 1 : UNICODE_CLASS_WEIGHT;
            }
            if (Character.isSurrogate(c) && at < p.length() && Character.isLowSurrogate(p.charAt(at))) {
                at++;
            }
            return 1;
        }

        /** At {@code {}: the counts of {@code {n}}, {@code {n,}} ({@code max} -1) or {@code {n,m}} as Go reads them; null when the brace is a literal. */
        private int[] counts() {
            int i = at + 1;
            int[] min = number(i);
            if (min == null) {
                return null;
            }
            i = min[1];
            int max = min[0];
            if (i < p.length() && p.charAt(i) == ',') {
                i++;
                if (i < p.length() && p.charAt(i) == '}') {
                    max = -1;
                } else {
                    int[] m = number(i);
                    if (m == null) {
                        return null;
                    }
                    max = m[0];
                    i = m[1];
                }
            }
            if (i >= p.length() || p.charAt(i) != '}') {
                return null;
            }
            at = i + 1;
            return new int[]{min[0], max};
        }

        /** Go's parseInt: digits without a leading zero; a value beyond 10^8 reads as 10^8 (invalid either way). */
        private int[] number(int i) {
            int start = i;
            long value = 0;
            while (i < p.length() && p.charAt(i) >= '0' && p.charAt(i) <= '9') {
                value = Math.min(100_000_000, value * 10 + (p.charAt(i) - '0'));
                i++;
            }
            if (i == start || (i - start > 1 && p.charAt(start) == '0')) {
                return null;
            }
            return new int[]{(int) value, i};
        }

        /** Skips the {@code ?} of a non-greedy repetition. */
        private void lazy() {
            if (at < p.length() && p.charAt(at) == '?') {
                at++;
            }
        }

        /** Go's calcSize for a repetition of {@code sub}, and repeatIsValid's product for a counted one. */
        private static Shape repeated(Shape sub, int min, int max, boolean counted) {
            Shape x = sub == null ? Shape.ATOM : sub;
            long size;
            long depth;
            // Go's calcSize, plus one: x{0} still compiles to an empty-width instruction.
            if (max == -1) {
                size = min == 0 ? x.size + 3 : saturated(2 + (long) min * x.size);
                depth = x.depth + 1;
            } else {
                size = saturated(1 + (long) max * x.size + Math.max(0, max - min));
                depth = x.depth + Math.max(1, max - min);
            }
            long count = max == -1 ? min : max;
            long repeats = !counted ? x.repeats : count == 0 ? 0 : saturated(count * x.repeats);
            if (counted && (min > MAX_REPEAT || max > MAX_REPEAT)) {
                repeats = Math.max(min, max);
            }
            return new Shape(size, repeats, depth);
        }

        private static long saturated(long value) {
            return Math.min(value, Integer.MAX_VALUE);
        }
    }
}
