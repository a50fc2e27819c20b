package dev.nodemedic.daemons.kernellog.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ManualClock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
