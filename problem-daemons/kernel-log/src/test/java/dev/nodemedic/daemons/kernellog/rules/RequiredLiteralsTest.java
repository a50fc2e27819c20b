package dev.nodemedic.daemons.kernellog.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the prefilter learns from NPD's patterns: the literal it scans for, and whether one line is enough. */
class RequiredLiteralsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            Killed process \\d+ (.+) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:\\d+kB.*  | `Killed process `                   | true
            task [\\S ]+:\\w+ blocked for more than \\w+ seconds\\.                        | ` blocked for more than `            | true
            divide error: 0000 \\[#\\d+\\] SMP                                            | `divide error: 0000 [#`              | true
            Remounting filesystem read-only                                               | `Remounting filesystem read-only`    | true
            XFS .* Shutting down filesystem.?                                             | ` Shutting down filesystem`          | true
            Kill process \\d+ (.+) score \\d+ or sacrifice child\\nKilled process \\d+      | ` or sacrifice child`                | false
            ^kernel: .*                                                                   | `kernel: `                           | false
            (?i)oom                                                                       | ``                                   | false
            .*                                                                            | ``                                   | true
            """)
    void npdPatternsGiveTheirLongestRequiredLiteral(String pattern, String literal, boolean lineLocal) {
        RequiredLiterals literals = RequiredLiterals.of(pattern);

        assertThat(literals.anyOf()).isEqualTo(literal.isEmpty() ? Set.of() : Set.of(literal));
        assertThat(literals.lineLocal()).isEqualTo(lineLocal);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            Starting (docker|containerd) daemon            ; Starting docker daemon        ; Starting containerd daemon
            BUG: (unable to handle|kernel NULL) pointer    ; BUG: unable to handle pointer ; BUG: kernel NULL pointer
            """)
    void anAlternationRequiresOneOfItsBranches(String pattern, String one, String other) {
        assertThat(RequiredLiterals.of(pattern).anyOf()).containsExactlyInAnyOrder(one, other);
    }
}
