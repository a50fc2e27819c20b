package dev.nodemedic.daemons.kernellog.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a pattern tells the prefilter: strings one of which every match must contain, and whether
 * every match stays on one line.
 *
 * <p>Read from the pattern's RE2 syntax by a small parser that only has to be right in one
 * direction: when it meets something it does not understand it says "no requirement" and "may span
 * lines", which costs speed, never a match. The engine's property test holds it to that.
 *
 * @param anyOf     every match contains at least one of these; empty: nothing is known, match every line
 * @param lineLocal no match can contain a newline or depend on the start of the buffer, so the pattern
 *                  can be run on the newest line alone with the same result as on the joined buffer
 */
public record RequiredLiterals(Set<String> anyOf, boolean lineLocal) {
    /** Bounds the cross products of small alternations such as {@code (a|b)(c|d)}. */
    private static final int MAX_SET = 16;
    private static final int MAX_LITERAL = 64;

    public RequiredLiterals {
        anyOf = Set.copyOf(anyOf);
    }

    public static RequiredLiterals of(String pattern) {
        Parser parser = new Parser(pattern);
        try {
            Node root = parser.alternation();
            if (parser.at < pattern.length()) {
                return unknown();
            }
            Set<String> required = asciiPieces(root.effective());
            return new RequiredLiterals(required == null ? Set.of() : required, !parser.spansLines);
        } catch (UnsupportedSyntax e) {
            return unknown();
        }
    }

    private static RequiredLiterals unknown() {
        return new RequiredLiterals(Set.of(), false);
    }

    /**
     * The scanner works on ASCII; any substring of a required string is required too, so a string
     * with other characters is cut down to its longest ASCII piece.
     */
    private static Set<String> asciiPieces(Set<String> required) {
        if (required == null) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : required) {
            String best = "";
            int start = 0;
            for (int i = 0; i <= s.length(); i++) {
                if (i == s.length() || s.charAt(i) >= 128 || s.charAt(i) == 0) {
                    if (i - start > best.length()) {
                        best = s.substring(start, i);
                    }
                    start = i + 1;
                }
            }
            if (best.isEmpty()) {
                return null;
            }
            out.add(best);
        }
        return out;
    }

    private static final class UnsupportedSyntax extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedSyntax() {
            super(null, null, false, false);
        }
    }

    /**
     * What is known of a sub-expression: its whole language when small ({@code exact}), and strings
     * one of which each of its matches contains ({@code required}); null for unknown.
     */
    private record Node(Set<String> exact, Set<String> required) {
        static final Node ANY = new Node(null, null);
        static final Node EMPTY = new Node(Set.of(""), null);

        Set<String> effective() {
            Set<String> fromExact = exact != null && !exact.contains("") ? exact : null;
            return better(fromExact, required);
        }
    }

    private static Set<String> better(Set<String> a, Set<String> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return score(a) >= score(b) ? a : b;
    }

    /** The shortest string decides how often a set fires; many alternatives cost a little. */
    private static int score(Set<String> set) {
        int shortest = set.stream().mapToInt(String::length).min().orElse(0);
        return shortest * 4 - set.size();
    }

    private static Set<String> cross(Set<String> a, Set<String> b) {
        if (a == null || b == null || (long) a.size() * b.size() > MAX_SET) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                if (x.length() + y.length() > MAX_LITERAL) {
                    return null;
                }
                out.add(x + y);
            }
        }
        return out;
    }

    private static final class Parser {
        private final String p;
        private int at;
        private boolean spansLines;
        private boolean dotAll;
        private int depth;

        Parser(String pattern) {
            this.p = pattern;
        }

        Node alternation() {
            List<Node> branches = new ArrayList<>();
            branches.add(concatenation());
            while (at < p.length() && p.charAt(at) == '|') {
                at++;
                branches.add(concatenation());
            }
            if (branches.size() == 1) {
                return branches.getFirst();
            }
            if (depth == 0) {
                // NPD appends \z to the pattern as written, so only the last branch is anchored at the
                // end; the others may match in any line of the buffer.
                spansLines = true;
            }
            Set<String> exact = new LinkedHashSet<>();
            Set<String> required = new LinkedHashSet<>();
            for (Node branch : branches) {
                if (exact != null && branch.exact() != null && exact.size() + branch.exact().size() <= MAX_SET) {
                    exact.addAll(branch.exact());
                } else {
                    exact = null;
                }
                Set<String> need = branch.effective();
                if (required != null && need != null) {
                    required.addAll(need);
                } else {
                    required = null;
                }
            }
            return new Node(exact, required);
        }

        Node concatenation() {
            Set<String> run = Set.of("");
            Set<String> exact = Set.of("");
            Set<String> best = null;
            while (at < p.length() && p.charAt(at) != '|' && p.charAt(at) != ')') {
                Node item = quantified(atom());
                exact = cross(exact, item.exact());
                if (item.exact() != null) {
                    Set<String> grown = cross(run, item.exact());
                    if (grown == null) {
                        best = better(best, nonEmpty(run));
                        run = item.exact();
                    } else {
                        run = grown;
                    }
                } else {
                    best = better(best, nonEmpty(run));
                    best = better(best, item.effective());
                    run = Set.of("");
                }
            }
            best = better(best, nonEmpty(run));
            return new Node(exact, best);
        }

        private static Set<String> nonEmpty(Set<String> set) {
            return set.contains("") ? null : set;
        }

        Node quantified(Node atom) {
            if (at >= p.length()) {
                return atom;
            }
            char c = p.charAt(at);
            Node result;
            if (c == '*') {
                at++;
                result = Node.ANY;
            } else if (c == '?') {
                at++;
                Set<String> exact = atom.exact() == null ? null : union(atom.exact(), Set.of(""));
                result = new Node(exact, null);
            } else if (c == '+') {
                at++;
                result = new Node(null, atom.effective());
            } else if (c == '{' && repetitionAhead()) {
                int close = p.indexOf('}', at);
                String body = p.substring(at + 1, close);
                at = close + 1;
                int min = Integer.parseInt(body.contains(",") ? body.substring(0, body.indexOf(',')) : body);
                result = min == 0 ? Node.ANY : new Node(null, atom.effective());
            } else {
                return atom;
            }
            if (at < p.length() && p.charAt(at) == '?') {
                at++; // non-greedy: same language
            }
            if (at < p.length() && (p.charAt(at) == '*' || p.charAt(at) == '+' || p.charAt(at) == '?')) {
                throw new UnsupportedSyntax();
            }
            return result;
        }

        private boolean repetitionAhead() {
            int close = p.indexOf('}', at);
            return close > at && p.substring(at + 1, close).matches("\\d+(,\\d*)?");
        }

        private static Set<String> union(Set<String> a, Set<String> b) {
            Set<String> out = new LinkedHashSet<>(a);
            out.addAll(b);
            return out.size() > MAX_SET ? null : out;
        }

        Node atom() {
            char c = p.charAt(at);
            switch (c) {
                case '(' -> {
                    return group();
                }
                case '[' -> {
                    return charClass();
                }
                case '.' -> {
                    at++;
                    if (dotAll) {
                        spansLines = true;
                    }
                    return Node.ANY;
                }
                case '^' -> {
                    at++;
                    spansLines = true; // start of the buffer, not of the line
                    return Node.EMPTY;
                }
                case '$' -> {
                    at++;
                    return Node.EMPTY;
                }
                case '\\' -> {
                    return escape();
                }
                case '*', '+', '?' -> throw new UnsupportedSyntax();
                default -> {
                    at++;
                    return literal(c);
                }
            }
        }

        private Node literal(char c) {
            if (c == '\n') {
                spansLines = true;
                return Node.ANY;
            }
            return new Node(Set.of(String.valueOf(c)), null);
        }

        Node group() {
            at++;
            if (p.startsWith("?", at)) {
                if (p.startsWith("?P<", at) || p.startsWith("?<", at)) {
                    at = p.indexOf('>', at) + 1;
                    if (at == 0) {
                        throw new UnsupportedSyntax();
                    }
                } else {
                    int end = at + 1;
                    while (end < p.length() && p.charAt(end) != ':' && p.charAt(end) != ')') {
                        end++;
                    }
                    if (end >= p.length()) {
                        throw new UnsupportedSyntax();
                    }
                    String flags = p.substring(at + 1, end);
                    applyFlags(flags);
                    at = end;
                    if (p.charAt(at) == ')') {
                        at++;
                        return Node.EMPTY; // (?s) etc. for the rest of the pattern
                    }
                    at++;
                }
            }
            depth++;
            Node inner = alternation();
            depth--;
            if (at >= p.length() || p.charAt(at) != ')') {
                throw new UnsupportedSyntax();
            }
            at++;
            return inner;
        }

        private void applyFlags(String flags) {
            boolean negate = false;
            for (char f : flags.toCharArray()) {
                switch (f) {
                    case '-' -> negate = true;
                    case 's' -> {
                        dotAll = !negate;
                        if (dotAll) {
                            spansLines = true;
                        }
                    }
                    case 'm' -> spansLines = true;
                    case 'U' -> {
                        // ungreedy: same language
                    }
                    // case-insensitive and anything else: literals are no longer exact, give up
                    default -> throw new UnsupportedSyntax();
                }
            }
        }

        Node escape() {
            if (at + 1 >= p.length()) {
                throw new UnsupportedSyntax();
            }
            char e = p.charAt(at + 1);
            at += 2;
            switch (e) {
                case 'd', 'w', 'S' -> {
                    return Node.ANY;
                }
                case 's', 'D', 'W', 'p', 'P' -> {
                    if (e == 'p' || e == 'P') {
                        skipUnicodeClassName();
                    }
                    spansLines = true;
                    return Node.ANY;
                }
                case 'b', 'B', 'z' -> {
                    return Node.EMPTY;
                }
                case 'A' -> {
                    spansLines = true;
                    return Node.EMPTY;
                }
                case 'n' -> {
                    return literal('\n');
                }
                case 't' -> {
                    return literal('\t');
                }
                case 'r' -> {
                    return literal('\r');
                }
                case 'f' -> {
                    return literal('\f');
                }
                case 'v' -> {
                    return literal('\u000b');
                }
                case 'a' -> {
                    return literal('\u0007');
                }
                case 'x' -> {
                    return literal(hexChar());
                }
                case 'Q' -> {
                    int end = p.indexOf("\\E", at);
                    String quoted = end < 0 ? p.substring(at) : p.substring(at, end);
                    at = end < 0 ? p.length() : end + 2;
                    if (quoted.indexOf('\n') >= 0) {
                        spansLines = true;
                        return Node.ANY;
                    }
                    return new Node(Set.of(quoted), null);
                }
                default -> {
                    if (Character.isLetterOrDigit(e)) {
                        throw new UnsupportedSyntax();
                    }
                    return literal(e);
                }
            }
        }

        private void skipUnicodeClassName() {
            if (at < p.length() && p.charAt(at) == '{') {
                int close = p.indexOf('}', at);
                if (close < 0) {
                    throw new UnsupportedSyntax();
                }
                at = close + 1;
            } else {
                at++;
            }
        }

        private char hexChar() {
            String hex;
            if (at < p.length() && p.charAt(at) == '{') {
                int close = p.indexOf('}', at);
                if (close < 0) {
                    throw new UnsupportedSyntax();
                }
                hex = p.substring(at + 1, close);
                at = close + 1;
            } else {
                if (at + 2 > p.length()) {
                    throw new UnsupportedSyntax();
                }
                hex = p.substring(at, at + 2);
                at += 2;
            }
            int value = Integer.parseInt(hex, 16);
            if (value > 0xFFFF) {
                throw new UnsupportedSyntax();
            }
            return (char) value;
        }

        /** A class of a few plain characters is a small exact set, such as {@code [#]}; anything else is unknown. */
        Node charClass() {
            int start = at;
            at++;
            boolean negated = at < p.length() && p.charAt(at) == '^';
            if (negated) {
                at++;
            }
            Set<String> chars = new LinkedHashSet<>();
            boolean simple = true;
            boolean first = true;
            while (true) {
                if (at >= p.length()) {
                    throw new UnsupportedSyntax();
                }
                char c = p.charAt(at);
                if (c == ']' && !first) {
                    at++;
                    break;
                }
                first = false;
                if (c == '[' && p.startsWith("[:", at)) {
                    int close = p.indexOf(":]", at);
                    if (close < 0) {
                        throw new UnsupportedSyntax();
                    }
                    String name = p.substring(at + 2, close);
                    if (name.contains("space") || name.contains("cntrl") || name.startsWith("^")) {
                        spansLines = true;
                    }
                    simple = false;
                    at = close + 2;
                    continue;
                }
                char value;
                if (c == '\\') {
                    if (at + 1 >= p.length()) {
                        throw new UnsupportedSyntax();
                    }
                    char e = p.charAt(at + 1);
                    if (Character.isLetterOrDigit(e)) {
                        // \d, \s, \n, \x41, \p{..}: not worth enumerating; may include a newline
                        if (e != 'd' && e != 'w' && e != 'S') {
                            spansLines = true;
                        }
                        simple = false;
                        at += 2;
                        if (e == 'p' || e == 'P') {
                            skipUnicodeClassName();
                        } else if (e == 'x') {
                            hexChar();
                        }
                        continue;
                    }
                    value = e;
                    at += 2;
                } else {
                    value = c;
                    at++;
                }
                if (value == '\n') {
                    spansLines = true;
                }
                if (at + 1 < p.length() && p.charAt(at) == '-' && p.charAt(at + 1) != ']') {
                    // a range: may include the newline, and too many characters to enumerate
                    char high = p.charAt(at + 1) == '\\' && at + 2 < p.length() ? p.charAt(at + 2) : p.charAt(at + 1);
                    if (value <= '\n' && '\n' <= high || p.charAt(at + 1) == '\\') {
                        spansLines = true;
                    }
                    at += p.charAt(at + 1) == '\\' ? 3 : 2;
                    simple = false;
                    continue;
                }
                chars.add(String.valueOf(value));
            }
            if (negated) {
                if (!chars.contains("\n")) {
                    spansLines = true;
                }
                return Node.ANY;
            }
            if (at - start > 0 && simple && !chars.isEmpty() && chars.size() <= 8 && !chars.contains("\n")) {
                return new Node(Set.copyOf(chars), null);
            }
            return Node.ANY;
        }
    }

    /** For logs and {@code rules test --explain}: the literals, shortest first. */
    public List<String> sorted() {
        return anyOf.stream().sorted(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder())).toList();
    }
}
