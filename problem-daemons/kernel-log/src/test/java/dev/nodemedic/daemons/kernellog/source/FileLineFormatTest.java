package dev.nodemedic.daemons.kernellog.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileLineFormatTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));

    private List<String> translate(FileLineFormat format, String line) {
        List<String> out = new ArrayList<>();
        if (!format.translate(line, (at, message) -> out.add(at + " " + message))) {
            out.add("(no match)");
        }
        return out;
    }

    @Test
    void theHandReadSyslogFormatAgreesWithItsRegularExpressions() {
        FileLineFormat fast = new FileLineFormat(FileLineFormat.SYSLOG_TIMESTAMP, FileLineFormat.SYSLOG_KERNEL_MESSAGE, FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock, true);
        FileLineFormat regex = new FileLineFormat(FileLineFormat.SYSLOG_TIMESTAMP, FileLineFormat.SYSLOG_KERNEL_MESSAGE, FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock, false);
        List<String> pieces = List.of("kernel: ", "[", "]", " ", "] ", "\t", "12", ".", "5", "x", "é", "\uD83D\uDE00", "kernel:", "Nov 23 11:59:59 ", "Nov  3 01:02:03 ");
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder(random.nextBoolean() ? "Nov 23 11:59:59 node-1 " : "");
            for (int k = random.nextInt(10); k > 0; k--) {
                line.append(pieces.get(random.nextInt(pieces.size())));
            }
            assertThat(translate(fast, line.toString())).as("line \"%s\"", line).isEqualTo(translate(regex, line.toString()));
        }
    }

    /**
     * Every pluginConfig expression of NPD's upstream configs (kernel-monitor-filelog.json,
     * docker-monitor-filelog.json; the journald and kmsg ones have none), ours, and the variants users
     * write, against RE2/J on random lines made of the pieces they look for. RE2/J is a port of Go's
     * regexp, so this holds the hand reading to what NPD's Go takes from the line.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            // NPD kernel-monitor-filelog.json
            "^.{15}", "kernel: \\[.*\\] (.*)",
            // NPD docker-monitor-filelog.json (its "[^\n]" is a real newline after JSON decoding)
            "^time=\"(\\S*)\"", "msg=\"([^\n]*)\"",
            // variants: other timestamps, one group or none, .* inside brackets, anchors, + for *
            "^.{19}", "^(.{15})", "^\\S+", "^(\\S+)", "^(\\S*) ", "^\\[([0-9.]+)\\]", "^[^ ]+",
            "kernel: (.*)", "kernel: .*", "\\] (.*)", "\\[.*\\] (.*)", "^.*\\] (.*)", "kernel: \\[.+\\] (.+)",
            "kernel: \\[.*\\] (.*)$", "kernel: \\[.*\\] .*", "msg=\"(.*)\"", "msg=\"([^\"]*)\"$", "level=(\\w+)",
            "kernel:[^\\]]*\\] (.*)", "^[^ ]* (\\S+)", "kernel: \\[[^\\]]+\\] (.+)", "(\\S+)$", "x*", "(\\D+)kernel", "\\[\\s*(\\d*)"})
    void handReadExpressionsTakeWhatGosRegexpTakes(String expression) {
        assertThat(HandReadExpression.recognise(expression)).as("read by hand: %s", expression).isPresent();
        FileLineFormat fast = new FileLineFormat(expression, expression, FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock, true);
        FileLineFormat regex = new FileLineFormat(expression, expression, FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock, false);
        List<String> pieces = List.of("kernel: ", "kernel:", "[", "]", " ", "] ", "\t", "12", ".", "5", "x", "é", "\uD83D\uDE00",
                "\"", "msg=\"", "time=\"", "level=", "error", "\r", "\uD83D", "Nov 23 11:59:59 ", "2026-11-23T10:00:01.5-07:00");
        Random random = new Random(expression.hashCode());
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder(random.nextInt(4) == 0 ? "Nov 23 11:59:59 node-1 " : "");
            for (int k = random.nextInt(14); k > 0; k--) {
                line.append(pieces.get(random.nextInt(pieces.size())));
            }
            String text = line.toString();
            assertThat(fast.message(text)).as("/%s/ on \"%s\"", expression, text).isEqualTo(regex.message(text));
            assertThat(fast.stamp(text)).as("/%s/ on \"%s\"", expression, text).isEqualTo(regex.stamp(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel: (?:\\[\\s*[\\d.]+\\] )?(.*)x", "a|b", "(?i)kernel: (.*)", "(a)(b)", "a*?b", "\\bkernel",
            "^.{2,5}", "k(.*)\\] (.*)", "[[:alpha:]]+", "é+", "", "^", "^$", "^()"})
    void otherExpressionsAreLeftToRe2j(String expression) {
        assertThat(HandReadExpression.recognise(expression)).isEmpty();
    }

    /** An expression no shape covers costs RE2/J's linear match, never a backtracking blow-up. */
    @Test
    void anUnrecognisedExpressionStaysLinearOnALongLine() {
        String evil = "^(x+x+)+y";
        assertThat(HandReadExpression.recognise(evil)).isEmpty();
        FileLineFormat format = new FileLineFormat(evil, "(x+x+)+y", FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock);
        String line = "x".repeat(FileSource.MAX_LINE_BYTES);

        long started = System.nanoTime();
        assertThat(format.translate(line, (at, message) -> { })).isFalse();
        // java.util.regex takes longer than the age of the universe here; RE2/J some milliseconds.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Jan _2 15:04:05                      | Nov  3 10:00:01                     | 2026-11-03T10:00:01Z
            Jan _2 15:04:05                      | Nov 23 10:00:01                     | 2026-11-23T10:00:01Z
            2006-01-02T15:04:05.999999999Z07:00  | 2026-11-23T10:00:01.123456+02:00    | 2026-11-23T08:00:01.123456Z
            2006-01-02T15:04:05.999999999-07:00  | 2026-11-23T10:00:01.5-07:00         | 2026-11-23T17:00:01.500Z
            2006-01-02 15:04:05                  | 2026-11-23 10:00:01.25              | 2026-11-23T10:00:01.250Z
            Mon Jan 2 15:04:05 2006              | Mon Nov 23 10:00:01 2026            | 2026-11-23T10:00:01Z
            """)
    void goLayoutsAreReadAsGoReadsThem(String layout, String stamp, String expected) {
        FileLineFormat format = new FileLineFormat("^(.*) msg=", "msg=(.*)", layout, ZoneOffset.UTC, clock);

        assertThat(format.instant(stamp)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void aStampWithoutYearFromDecemberReadInJanuaryIsLastYears() {
        clock.set(Instant.parse("2027-01-01T00:00:10Z"));
        FileLineFormat format = new FileLineFormat("^.{15}", "kernel: (.*)", "Jan _2 15:04:05", ZoneOffset.UTC, clock);

        assertThat(format.instant("Dec 31 23:59:59")).isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
    }

    @Test
    void aLayoutWithANumberGoDoesNotKnowIsRefused() {
        assertThatThrownBy(() -> GoTimeLayout.parse("2006-01-02 18:04"))
                .hasMessageContaining("not part of Go's reference time");
    }
}
