package dev.nodemedic.logsources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JournalLineTest {

    @Test
    void keepsTheCursorTimeMessageAndOnlyTheFieldsAskedFor() {
        JournalLine line = JournalLine.parse("{\"__CURSOR\":\"s=1;i=2\",\"__REALTIME_TIMESTAMP\":\"1795000000000001\",\"_TRANSPORT\":\"kernel\","
                + "\"_PID\":\"1\",\"MESSAGE\":\"tab\\there\"}", Set.of("_TRANSPORT"));

        assertThat(line).isEqualTo(new JournalLine("s=1;i=2", 1_795_000_000_000_001L, "tab\there", Map.of("_TRANSPORT", "kernel")));
    }

    @Test
    void withoutWantedFieldsOnlyTheCursorTimeAndMessageAreKept() {
        JournalLine line = JournalLine.parse(" { \"MESSAGE\" : \"EXT4-fs error\" , \"_TRANSPORT\" : \"kernel\" , \"__REALTIME_TIMESTAMP\" : \"1\" } ");

        assertThat(line).isEqualTo(new JournalLine("", 1, "EXT4-fs error", Map.of()));
    }

    @Test
    void aBinaryMessageIsReadAsUtf8AndARepeatedFieldAsItsFirstValue() {
        JournalLine line = JournalLine.parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[104,105],\"UNIT\":[\"a.service\",\"b.service\"]}", Set.of("UNIT"));

        assertThat(line.message()).isEqualTo("hi");
        assertThat(line.fields()).containsEntry("UNIT", "a.service");
    }

    @Test
    void aRepeatedBinaryFieldIsItsFirstValueAndAnEmptyArrayIsEmpty() {
        JournalLine line = JournalLine.parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[[104,105],[111]],\"UNIT\":[]}", Set.of("UNIT"));

        assertThat(line.message()).isEqualTo("hi");
        assertThat(line.fields()).containsEntry("UNIT", "");
    }

    @Test
    void bytesThatAreNotUtf8AreReadAsReplacementCharacters() {
        // 0xff never starts a UTF-8 sequence; 0xe2 0x82 is a cut-off euro sign.
        JournalLine line = JournalLine.parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[97,255,98,226,130]}");

        assertThat(line.message()).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void nullValuesAreAbsentFields() {
        JournalLine line = JournalLine.parse("{\"__CURSOR\":null,\"__REALTIME_TIMESTAMP\":\"5\",\"MESSAGE\":null,\"UNIT\":null}", Set.of("UNIT"));

        assertThat(line).isEqualTo(new JournalLine("", 5, "", Map.of()));
    }

    @Test
    void escapesAreDecodedIncludingSurrogatePairs() {
        JournalLine line = JournalLine.parse("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"q\\\"b\\\\s\\/n\\nr\\rb\\bf\\f\\u00e9\\ud83d\\ude00\\u0001\"}");

        assertThat(line.message()).isEqualTo("q\"b\\s/n\nr\rb\bf\fé\uD83D\uDE00\u0001");
    }

    /**
     * Any text written as journalctl writes it (a string with escapes, or the bytes of its UTF-8 for a binary
     * field) reads back as that text; any bytes as their UTF-8 decoding.
     */
    @RepeatedTest(300)
    void anyMessageReadsBackAsWritten(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        String text = randomText(random);
        byte[] bytes = new byte[random.nextInt(40)];
        random.nextBytes(bytes);

        JournalLine asString = JournalLine.parse("{\"__REALTIME_TIMESTAMP\":\"7\",\"MESSAGE\":" + jsonString(text, random) + "}");
        JournalLine asBytes = JournalLine.parse("{\"MESSAGE\":" + byteArray(text.getBytes(StandardCharsets.UTF_8)) + ",\"__REALTIME_TIMESTAMP\":\"7\"}");
        JournalLine anyBytes = JournalLine.parse("{\"__REALTIME_TIMESTAMP\":\"7\",\"MESSAGE\":" + byteArray(bytes) + "}");

        assertThat(asString.message()).isEqualTo(text);
        assertThat(asBytes.message()).isEqualTo(text);
        assertThat(anyBytes.message()).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void anEntryWithoutItsTimeIsRefused() {
        assertThatThrownBy(() -> JournalLine.parse("{\"MESSAGE\":\"x\"}", Set.of())).hasMessage("no __REALTIME_TIMESTAMP");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''                                                  | unexpected end at 0",
        "'[1]'                                               | expected { at 0",
        "'{\"__REALTIME_TIMESTAMP\":\"1\"'                   | unexpected end at 27",
        "'{\"__REALTIME_TIMESTAMP\":\"1\" \"MESSAGE\":\"x\"}'   | expected , or } at 28",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"x}'     | unexpected end at 41",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",MESSAGE:\"x\"}'       | expected \" at 28",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\" \"x\"}'   | expected : at 38",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":}'        | expected a value at 38",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":{\"a\":1}}' | expected a string, an array or null at 38",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[1,x]}'   | expected a byte value at 41",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[256]}'   | expected a byte value at 39",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[1 2]}'   | expected , or ] at 41",
        "'{\"MESSAGE\":\"\\u00'                               | short \\u escape at 12",
        "'{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"\\u00zz\"}' | bad \\u escape at 39",
        "'{\"__REALTIME_TIMESTAMP\":\"1\"} {}'                  | unexpected text after the object at 29",
        "'{\"__REALTIME_TIMESTAMP\":\"soon\"}'                  | __REALTIME_TIMESTAMP \"soon\" is not a number",
    })
    void aMalformedLineIsRefusedSayingWhatWasExpectedWhere(String json, String error) {
        assertThatThrownBy(() -> JournalLine.parse(json)).isInstanceOf(IllegalArgumentException.class).hasMessage(error);
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(30);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(5)) {
                case 0 -> text.append((char) random.nextInt(0x20));
                case 1 -> text.append("\"\\/".charAt(random.nextInt(3)));
                case 2 -> text.appendCodePoint(0x1F600 + random.nextInt(80));
                case 3 -> text.append((char) (0xA0 + random.nextInt(0x700)));
                default -> text.append((char) (' ' + random.nextInt(95)));
            }
        }
        return text.toString();
    }

    /** As JSON allows: each character escaped or not (as far as it may be), at random. */
    private static String jsonString(String text, Random random) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            boolean mustEscape = c < 0x20 || c == '"' || c == '\\';
            if (mustEscape || random.nextBoolean()) {
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\t' -> json.append("\\t");
                    default -> json.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                }
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private static String byteArray(byte[] bytes) {
        StringJoiner json = new StringJoiner(",", "[", "]");
        for (byte b : bytes) {
            json.add(Integer.toString(b & 0xff));
        }
        return json.toString();
    }
}
