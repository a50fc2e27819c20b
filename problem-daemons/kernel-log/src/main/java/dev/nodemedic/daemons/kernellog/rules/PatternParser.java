package dev.nodemedic.daemons.kernellog.rules;

import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Alternation;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.AnyChar;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Assertion;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.CharSet;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Concatenation;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Flags;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Literal;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Repeat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a rule pattern's Go (RE2) syntax into a {@link PatternSyntax} tree, one pattern per instance.
 * It only has to be right in one direction: what it does not understand it refuses ({@link #parse}
 * answers empty). The rule engine parses a pattern only after re2j has compiled it.
 */
final class PatternParser {
    /** The syntax tree of {@code pattern}, or empty where it holds something this parser does not read. */
    static Optional<PatternSyntax> parse(String pattern) {
        PatternParser parser = new PatternParser(pattern);
        try {
            PatternSyntax root = parser.alternation();
            return parser.at < pattern.length() ? Optional.empty() : Optional.of(root);
        } catch (UnsupportedSyntax e) {
            return Optional.empty();
        }
    }

    private static final class UnsupportedSyntax extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedSyntax() {
            super(null, null, false, false);
        }
    }

    private final String p;
    private int at;
    /** The {@code s} flag, which stays on from {@code (?s)} or {@code (?s:} to the end of the pattern or a {@code (?-s)}. */
    private boolean dotAll;

    private PatternParser(String pattern) {
        this.p = pattern;
    }

    private PatternSyntax alternation() {
        List<PatternSyntax> branches = new ArrayList<>();
        branches.add(concatenation());
        while (at < p.length() && p.charAt(at) == '|') {
            at++;
            branches.add(concatenation());
        }
        return branches.size() == 1 ? branches.getFirst() : new Alternation(branches);
    }

    private PatternSyntax concatenation() {
        List<PatternSyntax> items = new ArrayList<>();
        while (at < p.length() && p.charAt(at) != '|' && p.charAt(at) != ')') {
            items.add(quantified(atom()));
        }
        return new Concatenation(items);
    }

    private PatternSyntax quantified(PatternSyntax atom) {
        if (at >= p.length()) {
            return atom;
        }
        char c = p.charAt(at);
        PatternSyntax result;
        if (c == '*') {
            at++;
            result = new Repeat(atom, 0, false);
        } else if (c == '?') {
            at++;
            result = new Repeat(atom, 0, true);
        } else if (c == '+') {
            at++;
            result = new Repeat(atom, 1, false);
        } else if (c == '{' && repetitionAhead()) {
            int close = p.indexOf('}', at);
            String body = p.substring(at + 1, close);
            at = close + 1;
            int min = Integer.parseInt(body.contains(",") ? body.substring(0, body.indexOf(',')) : body);
            result = new Repeat(atom, min, false);
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

    private PatternSyntax atom() {
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
                return new AnyChar(dotAll);
            }
            case '^' -> {
                at++;
                return new Assertion(true);
            }
            case '$' -> {
                at++;
                return new Assertion(false);
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

    private static PatternSyntax literal(char c) {
        return new Literal(String.valueOf(c));
    }

    private PatternSyntax group() {
        at++;
        String flags = null;
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
                flags = p.substring(at + 1, end);
                applyFlags(flags);
                at = end;
                if (p.charAt(at) == ')') {
                    at++;
                    return new Flags(flags, new Concatenation(List.of()));
                }
                at++;
            }
        }
        PatternSyntax inner = alternation();
        if (at >= p.length() || p.charAt(at) != ')') {
            throw new UnsupportedSyntax();
        }
        at++;
        return flags == null ? inner : new Flags(flags, inner);
    }

    private void applyFlags(String flags) {
        boolean negate = false;
        for (char f : flags.toCharArray()) {
            switch (f) {
                case '-' -> negate = true;
                case 's' -> dotAll = !negate;
                case 'm', 'U' -> {
                    // m: read by the analysis; U (ungreedy): same language
                }
                // case-insensitive and anything else: literals are no longer exact, give up
                default -> throw new UnsupportedSyntax();
            }
        }
    }

    private PatternSyntax escape() {
        if (at + 1 >= p.length()) {
            throw new UnsupportedSyntax();
        }
        char e = p.charAt(at + 1);
        at += 2;
        switch (e) {
            case 'd', 'w', 'S' -> {
                return new AnyChar(false);
            }
            case 's', 'D', 'W', 'p', 'P' -> {
                if (e == 'p' || e == 'P') {
                    skipUnicodeClassName();
                }
                return new AnyChar(true);
            }
            case 'b', 'B', 'z' -> {
                return new Assertion(false);
            }
            case 'A' -> {
                return new Assertion(true);
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
                return new Literal(quoted);
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

    /** A class of a few plain characters is a small {@link CharSet}, such as {@code [#]}; anything else is {@link AnyChar}. */
    private PatternSyntax charClass() {
        at++;
        boolean negated = at < p.length() && p.charAt(at) == '^';
        if (negated) {
            at++;
        }
        Set<String> chars = new LinkedHashSet<>();
        boolean simple = true;
        boolean newline = false;
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
                    newline = true;
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
                        newline = true;
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
                newline = true;
            }
            if (at + 1 < p.length() && p.charAt(at) == '-' && p.charAt(at + 1) != ']') {
                // a range: may include the newline, and too many characters to enumerate
                char high = p.charAt(at + 1) == '\\' && at + 2 < p.length() ? p.charAt(at + 2) : p.charAt(at + 1);
                if (value <= '\n' && '\n' <= high || p.charAt(at + 1) == '\\') {
                    newline = true;
                }
                at += p.charAt(at + 1) == '\\' ? 3 : 2;
                simple = false;
                continue;
            }
            chars.add(String.valueOf(value));
        }
        if (negated) {
            return new AnyChar(newline || !chars.contains("\n"));
        }
        if (simple && !chars.isEmpty() && chars.size() <= 8 && !chars.contains("\n")) {
            return new CharSet(chars);
        }
        return new AnyChar(newline);
    }
}
