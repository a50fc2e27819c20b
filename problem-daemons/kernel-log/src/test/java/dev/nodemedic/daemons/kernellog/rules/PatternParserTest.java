package dev.nodemedic.daemons.kernellog.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Alternation;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.AnyChar;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Assertion;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.CharSet;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Concatenation;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Flags;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Literal;
import dev.nodemedic.daemons.kernellog.rules.PatternSyntax.Repeat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tree RequiredLiterals analyses: what the parser makes of a pattern, and what it refuses. */
class PatternParserTest {

    @Test
    void anNpdPatternBecomesLiteralsClassesAndRepeats() {
        assertThat(PatternParser.parse("task \\w+ [#]\\.")).contains(new Concatenation(List.of(
                new Literal("t"), new Literal("a"), new Literal("s"), new Literal("k"), new Literal(" "),
                new Repeat(new AnyChar(false), 1, false), new Literal(" "), new CharSet(Set.of("#")), new Literal("."))));
    }

    @Test
    void onlyATopLevelBarIsAnAlternationOfThePattern() {
        assertThat(PatternParser.parse("a|b")).containsInstanceOf(Alternation.class);
        assertThat(PatternParser.parse("(a|b)")).contains(new Concatenation(List.of(
                new Alternation(List.of(new Concatenation(List.of(new Literal("a"))), new Concatenation(List.of(new Literal("b"))))))));
    }

    @Test
    void theSFlagLetsLaterDotsMatchANewline() {
        assertThat(PatternParser.parse("(?s)a.")).contains(new Concatenation(List.of(
                new Flags("s", new Concatenation(List.of())), new Literal("a"), new AnyChar(true))));
        assertThat(PatternParser.parse("a.")).contains(new Concatenation(List.of(new Literal("a"), new AnyChar(false))));
    }

    @Test
    void aCaretIsTheStartOfTheBufferAndQuotedTextOneLiteral() {
        assertThat(PatternParser.parse("^\\Qa.b\\E?")).contains(new Concatenation(List.of(
                new Assertion(true), new Repeat(new Literal("a.b"), 0, true))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(?i)oom", "a**", "(abc", "abc)", "\\k<x>"})
    void whatItDoesNotReadItRefuses(String pattern) {
        assertThat(PatternParser.parse(pattern)).isEmpty();
    }
}
