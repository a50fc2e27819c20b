package dev.nodemedic.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    /** Go's own table (time/time_test.go, durationTests) and a few more, each printed by Go's Duration.String(). */
    @ParameterizedTest
    @CsvSource({
            "0, 0s, 0s",
            "1, 1ns, 1ns",
            "1000, 1µs, 1µs",
            "1100, 1.1µs, 1.1µs",
            "2200000, 2.2ms, 2.2ms",
            "999000000, 999ms, 999ms",
            "500000000, 500ms, 500ms",
            "1000000000, 1s, 1s",
            "1500000000, 1.5s, 1.5s",
            "3300000000, 3.3s, 3.3s",
            "120000000000, 2m0s, 2m",
            "245000000000, 4m5s, 4m5s",
            "245001000000, 4m5.001s, 4m5.001s",
            "3600000000000, 1h0m0s, 1h",
            "3723000000000, 1h2m3s, 1h2m3s",
            "5400000000000, 1h30m0s, 1h30m",
            "3605000000000, 1h0m5s, 1h0m5s",
            "18367001000000, 5h6m7.001s, 5h6m7.001s",
            "480000000001, 8m0.000000001s, 8m0.000000001s",
            "86400000000000, 24h0m0s, 24h",
            "604800000000000, 168h0m0s, 168h",
            "9223372036854775807, 2562047h47m16.854775807s, 2562047h47m16.854775807s",
            "-9223372036854775808, -2562047h47m16.854775808s, -2562047h47m16.854775808s",
            "-245000000000, -4m5s, -4m5s",
            "-1500000, -1.5ms, -1.5ms",
    })
    void writesWhatGoWrites(long nanos, String go, String shortForm) {
        Duration duration = Duration.ofNanos(nanos);
        assertThat(GoDuration.format(duration)).isEqualTo(go);
        assertThat(GoDuration.formatShort(duration)).isEqualTo(shortForm);
    }

    @Test
    void bothFormsReadBackToTheSameDuration() {
        Random random = new Random(19);
        for (int i = 0; i < 20_000; i++) {
            // Spread over every unit: a random number of nanoseconds with a random number of digits.
            long nanos = random.nextLong() >> random.nextInt(64);
            if (i % 3 == 0) {
                nanos -= nanos % 1_000_000_000L;   // whole seconds, where trailing zero units show
            }
            Duration duration = Duration.ofNanos(nanos);
            assertThat(goParse(GoDuration.format(duration))).as("%s", duration).isEqualTo(nanos);
            assertThat(goParse(GoDuration.formatShort(duration))).as("%s", duration).isEqualTo(nanos);
        }
    }

    @Test
    void fromASecondUpSecondsAreAlwaysWrittenAndBelowNever() {
        assertThat(GoDuration.format(Duration.ofMinutes(2))).endsWith("0s");
        assertThat(GoDuration.format(Duration.ofNanos(999_999_999))).isEqualTo("999.999999ms");
    }

    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|µs|ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("-?(" + PART.pattern() + ")+|0s");

    /** Go's time.ParseDuration for what Go's String writes, in exact arithmetic. */
    private static long goParse(String text) {
        assertThat(text).matches(WHOLE);
        BigDecimal total = BigDecimal.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            BigDecimal unit = switch (part.group(2)) {
                case "ns" -> BigDecimal.ONE;
                case "µs" -> BigDecimal.valueOf(1_000);
                case "ms" -> BigDecimal.valueOf(1_000_000);
                case "s" -> BigDecimal.valueOf(1_000_000_000L);
                case "m" -> BigDecimal.valueOf(60_000_000_000L);
                default -> BigDecimal.valueOf(3_600_000_000_000L);
            };
            total = total.add(new BigDecimal(part.group(1)).multiply(unit));
        }
        BigInteger nanos = total.toBigIntegerExact();
        return (text.startsWith("-") ? nanos.negate() : nanos).longValueExact();
    }
}
