package dev.nodemedic.daemons.kernellog.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ManualClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
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

    /** Every expression of a shape read by hand that NPD's configs, ours and users' variants use. */
    static List<String> handReadExpressions() {
        return List.of(
                // NPD kernel-monitor-filelog.json
                "^.{15}", "kernel: \\[.*\\] (.*)",
                // NPD docker-monitor-filelog.json (its "[^\n]" is a real newline after JSON decoding)
                "^time=\"(\\S*)\"", "msg=\"([^\n]*)\"",
                // variants: other timestamps, one group or none, .* inside brackets, anchors, + for *
                "^.{19}", "^(.{15})", "^\\S+", "^(\\S+)", "^(\\S*) ", "^\\[([0-9.]+)\\]", "^[^ ]+",
                "kernel: (.*)", "kernel: .*", "\\] (.*)", "\\[.*\\] (.*)", "^.*\\] (.*)", "kernel: \\[.+\\] (.+)",
                "kernel: \\[.*\\] (.*)$", "kernel: \\[.*\\] .*", "msg=\"(.*)\"", "msg=\"([^\"]*)\"$", "level=(\\w+)",
                "kernel:[^\\]]*\\] (.*)", "^[^ ]* (\\S+)", "kernel: \\[[^\\]]+\\] (.+)", "(\\S+)$", "x*", "(\\D+)kernel", "\\[\\s*(\\d*)",
                // literals that are not ASCII: the bytes cannot tell, the line is decoded
                "é: (.*)", "^é(\\S*)");
    }

    /**
     * Every pluginConfig expression of NPD's upstream configs (kernel-monitor-filelog.json,
     * docker-monitor-filelog.json; the journald and kmsg ones have none), ours, and the variants users
     * write, against RE2/J on random lines made of the pieces they look for. RE2/J is a port of Go's
     * regexp, so this holds the hand reading to what NPD's Go takes from the line.
     */
    @ParameterizedTest
    @MethodSource("handReadExpressions")
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

    /** What a line is made of on the byte path: ASCII, multi-byte characters, malformed UTF-8, CR. */
    private static final List<byte[]> BYTE_PIECES = bytes("kernel: ", "kernel:", "[", "]", " ", "] ", "\t", "12", ".", "5", "x", "é", "\uD83D\uDE00",
            "\"", "msg=\"", "time=\"", "level=", "error", "\r", "Nov 23 11:59:59 ", "2026-11-23T10:00:01.5-07:00", "ü]", "中 ");
    private static final List<byte[]> MALFORMED = List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
            new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xff},
            new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x98}, new byte[] {(byte) 0xc3});

    private static List<byte[]> bytes(String... pieces) {
        return java.util.Arrays.stream(pieces).map(p -> p.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** A random line's bytes: pieces, and now and then a malformed sequence. */
    private static byte[] randomLine(Random random, int pieces) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        if (random.nextInt(4) == 0) {
            line.writeBytes("Nov 23 11:59:59 node-1 ".getBytes(StandardCharsets.UTF_8));
        }
        for (int k = random.nextInt(pieces); k > 0; k--) {
            List<byte[]> from = random.nextInt(8) == 0 ? MALFORMED : BYTE_PIECES;
            line.writeBytes(from.get(random.nextInt(from.size())));
        }
        return line.toByteArray();
    }

    /**
     * The byte path (a file's lines): what each expression finds in a line's UTF-8 bytes, at an offset in
     * a larger array, is what RE2/J takes from the decoded line, for lines with multi-byte characters,
     * malformed UTF-8 (decoded as the JDK decodes it, to U+FFFD) and no match at all. Undecided only where
     * the line has a byte that is not ASCII.
     */
    @ParameterizedTest
    @MethodSource("handReadExpressions")
    void handReadExpressionsFindInTheBytesWhatGosRegexpTakesFromTheLine(String expression) {
        HandReadExpression hand = HandReadExpression.recognise(expression).orElseThrow();
        FileLineFormat regex = new FileLineFormat(expression, expression, FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock, false);
        byte[] around = "kernel: [1] msg=\"x] é".getBytes(StandardCharsets.UTF_8);
        Random random = new Random(expression.hashCode());
        int decided = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] line = randomLine(random, 14);
            int offset = random.nextInt(around.length);
            byte[] block = new byte[offset + line.length + around.length];
            System.arraycopy(around, 0, block, 0, offset);
            System.arraycopy(line, 0, block, offset, line.length);
            System.arraycopy(around, 0, block, offset + line.length, around.length);
            String decoded = new String(line, StandardCharsets.UTF_8);

            long found = hand.find(block, offset, offset + line.length);
            // Told where the marker byte last is, as FileLines tells it, the result is the same.
            int lastMarker = offset - 1;
            for (int k = offset; k < offset + line.length; k++) {
                if (block[k] == hand.marker()) {
                    lastMarker = k;
                }
            }
            assertThat(hand.find(block, offset, offset + line.length, lastMarker)).as("/%s/ told the last marker in \"%s\"", expression,
                    new String(line, StandardCharsets.UTF_8)).isEqualTo(found);

            if (found == HandReadExpression.UNDECIDED) {
                assertThat(decoded.chars().anyMatch(c -> c >= 128) || expression.contains("é")).as("/%s/ undecided on \"%s\"", expression, decoded).isTrue();
                continue;
            }
            decided++;
            String text = found == HandReadExpression.NO_MATCH ? null
                    : new String(block, HandReadExpression.start(found), HandReadExpression.end(found) - HandReadExpression.start(found), StandardCharsets.UTF_8);
            assertThat(text).as("/%s/ on \"%s\"", expression, decoded).isEqualTo(regex.message(decoded));
        }
        assertThat(decided).as("lines the bytes decided").isGreaterThan(expression.contains("é") ? -1 : 5_000);
    }

    /**
     * Whole lines through the byte path, as FileSource hands them on (NPD's kernel and docker filelog
     * formats, ours): the same stamps and messages as RE2/J on the decoded lines, one after another, so
     * the stamp remembered from the line before (bytes or text) is in play too.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "^.{15}|kernel: \\[.*\\] (.*)",
            "^.{15}|" + FileLineFormat.SYSLOG_KERNEL_MESSAGE,
            "^.{15}|kernel: (.*)",
            "^(.{15})|kernel: \\[.+\\] (.+)"})
    void linesFromBytesTranslateAsTheirDecodedText(String timestampRegex, String messageRegex) {
        FileLineFormat fast = new FileLineFormat(timestampRegex, messageRegex, FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock, true);
        FileLineFormat regex = new FileLineFormat(timestampRegex, messageRegex, FileLineFormat.SYSLOG_LAYOUT, ZoneOffset.UTC, clock, false);
        List<byte[]> stamps = bytes("Nov 23 11:59:59 ", "Nov 23 11:59:58 ", "Nov  3 01:02:03 ", "Nov 23 11:59:5é ", "Nov 23 11:59:5", "Nov 23 1é:59:59 ", "Nov 32 11:59:59 ", "");
        Random random = new Random(messageRegex.hashCode());
        for (int i = 0; i < 20_000; i++) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            // Mostly the same stamp as the line before, as in a real log.
            line.writeBytes(stamps.get(random.nextInt(3) == 0 ? random.nextInt(stamps.size()) : 0));
            line.writeBytes("node-1 kernel: [ 1000.000050] ".getBytes(StandardCharsets.UTF_8));
            line.writeBytes(randomLine(random, 8));
            byte[] bytes = line.toByteArray();
            String decoded = new String(bytes, StandardCharsets.UTF_8);
            List<String> fromBytes = new ArrayList<>();
            if (!fast.translate(bytes, 0, bytes.length, (at, message) -> fromBytes.add(at + " " + message))) {
                fromBytes.add("(no match)");
            }
            assertThat(fromBytes).as("line \"%s\"", decoded).isEqualTo(translate(regex, decoded));
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
