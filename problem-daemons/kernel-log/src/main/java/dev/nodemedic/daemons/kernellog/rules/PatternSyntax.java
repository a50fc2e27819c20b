package dev.nodemedic.daemons.kernellog.rules;

import java.util.List;
import java.util.Set;

/**
 * A rule pattern's Go (RE2) syntax, as far as {@link RequiredLiterals} reads it: literals, small
 * character sets, everything else as "one character" or "no character", and how they combine.
 *
 * <p>Built by {@link PatternParser}; read by {@link RequiredLiterals}. re2j compiles the same pattern
 * for the matching itself.
 */
sealed interface PatternSyntax {
    /** Characters matched as written: a plain character, an escape such as {@code \t}, or {@code \Q...\E}. */
    record Literal(String text) implements PatternSyntax {
    }

    /** One of a few listed characters, none a newline, such as {@code [#]}. */
    record CharSet(Set<String> chars) implements PatternSyntax {
        public CharSet {
            chars = Set.copyOf(chars);
        }
    }

    /**
     * One character of a class not worth listing: {@code .}, {@code \d}, {@code [a-z]}, {@code [^x]}.
     *
     * @param newline whether that character can be a newline
     */
    record AnyChar(boolean newline) implements PatternSyntax {
    }

    /**
     * A match of no character: {@code ^ $ \b \B \A \z}.
     *
     * @param bufferStart {@code ^} or {@code \A}: the start of the whole buffer, not of a line (no {@code m} flag)
     */
    record Assertion(boolean bufferStart) implements PatternSyntax {
    }

    /**
     * A flag group: {@code (?s:scope)}, or {@code (?s)} (an empty scope) whose flags hold for the rest
     * of the pattern. The parser has already applied {@code s} to the dots it governs.
     *
     * @param flags as written, such as {@code s}, {@code -s}, {@code mU}
     */
    record Flags(String flags, PatternSyntax scope) implements PatternSyntax {
    }

    /**
     * A quantified item: {@code x?} ({@code optional}), or at least {@code min} times ({@code x*} is
     * 0, {@code x+} is 1, {@code x{n,m}} is n).
     */
    record Repeat(PatternSyntax item, int min, boolean optional) implements PatternSyntax {
    }

    record Concatenation(List<PatternSyntax> items) implements PatternSyntax {
        public Concatenation {
            items = List.copyOf(items);
        }
    }

    /** Two or more branches; groups are not kept apart from their contents. */
    record Alternation(List<PatternSyntax> branches) implements PatternSyntax {
        public Alternation {
            branches = List.copyOf(branches);
        }
    }
}
