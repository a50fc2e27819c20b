package dev.nodemedic.daemons.kernellog.rules;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a pattern tells the prefilter: strings one of which every match must contain, and whether
 * every match stays on one line.
 *
 * <p>Read from the pattern's syntax tree ({@link PatternSyntax}), which only has to be right in one
 * direction: where the parser meets something it does not understand this says "no requirement" and
 * "may span lines", which costs speed, never a match. The engine's property test holds it to that.
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
        return PatternParser.parse(pattern)
                .map(root -> {
                    Set<String> required = asciiPieces(node(root).effective());
                    return new RequiredLiterals(required == null ? Set.of() : required, !spansLines(root));
                })
                .orElseGet(RequiredLiterals::unknown);
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

    /** What is known of {@code syntax}'s matches. */
    private static Node node(PatternSyntax syntax) {
        return switch (syntax) {
            // A newline in a literal: the prefilter scans line by line, so nothing is required of it.
            case PatternSyntax.Literal literal -> literal.text().indexOf('\n') >= 0 ? Node.ANY : new Node(Set.of(literal.text()), null);
            case PatternSyntax.CharSet set -> new Node(set.chars(), null);
            case PatternSyntax.AnyChar _ -> Node.ANY;
            case PatternSyntax.Assertion _ -> Node.EMPTY;
            case PatternSyntax.Flags flags -> node(flags.scope());
            case PatternSyntax.Repeat repeat -> repeated(repeat);
            case PatternSyntax.Concatenation concatenation -> concatenated(concatenation.items());
            case PatternSyntax.Alternation alternation -> alternated(alternation.branches());
        };
    }

    private static Node repeated(PatternSyntax.Repeat repeat) {
        Node item = node(repeat.item());
        if (repeat.optional()) {
            Set<String> exact = item.exact() == null ? null : union(item.exact(), Set.of(""));
            return new Node(exact, null);
        }
        return repeat.min() == 0 ? Node.ANY : new Node(null, item.effective());
    }

    private static Node concatenated(List<PatternSyntax> items) {
        Set<String> run = Set.of("");
        Set<String> exact = Set.of("");
        Set<String> best = null;
        for (PatternSyntax syntax : items) {
            Node item = node(syntax);
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

    private static Node alternated(List<PatternSyntax> branches) {
        Set<String> exact = new LinkedHashSet<>();
        Set<String> required = new LinkedHashSet<>();
        for (PatternSyntax syntax : branches) {
            Node branch = node(syntax);
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

    private static Set<String> nonEmpty(Set<String> set) {
        return set.contains("") ? null : set;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out.size() > MAX_SET ? null : out;
    }

    /**
     * Whether a match of the whole pattern may hold a newline or depend on the start of the buffer.
     * NPD appends {@code \z} to the pattern as written, so of a top-level alternation only the last
     * branch is anchored at the end; the others may match in any line of the buffer.
     */
    private static boolean spansLines(PatternSyntax root) {
        return root instanceof PatternSyntax.Alternation || mayHoldNewline(root);
    }

    private static boolean mayHoldNewline(PatternSyntax syntax) {
        return switch (syntax) {
            case PatternSyntax.Literal literal -> literal.text().indexOf('\n') >= 0;
            case PatternSyntax.CharSet _ -> false;
            case PatternSyntax.AnyChar anyChar -> anyChar.newline();
            case PatternSyntax.Assertion assertion -> assertion.bufferStart();
            case PatternSyntax.Flags flags -> flagsSpanLines(flags.flags()) || mayHoldNewline(flags.scope());
            case PatternSyntax.Repeat repeat -> mayHoldNewline(repeat.item());
            case PatternSyntax.Concatenation concatenation -> concatenation.items().stream().anyMatch(RequiredLiterals::mayHoldNewline);
            case PatternSyntax.Alternation alternation -> alternation.branches().stream().anyMatch(RequiredLiterals::mayHoldNewline);
        };
    }

    /** {@code s} lets dots match a newline; {@code m} makes {@code ^} and {@code $} match inside the buffer. */
    private static boolean flagsSpanLines(String flags) {
        boolean negate = false;
        for (char f : flags.toCharArray()) {
            if (f == '-') {
                negate = true;
            } else if (f == 'm' || f == 's' && !negate) {
                return true;
            }
        }
        return false;
    }

    /** For logs and {@code rules test --explain}: the literals, shortest first. */
    public List<String> sorted() {
        return anyOf.stream().sorted(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder())).toList();
    }
}
