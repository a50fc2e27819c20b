package dev.nodemedic.logsources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

class FileLinesTest {

    /**
     * Random bytes (newlines, CRs, the marker, long runs) read in random pieces: the lines are those of the
     * whole split at newlines (CR before one dropped, cut at the cap, a last line without newline kept),
     * and the marker's last place given for each is one after which the line holds no marker.
     */
    @RepeatedTest(200)
    void linesAreTheFilesSplitAtNewlinesWhateverTheReads(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        byte[] alphabet = {'a', ']', ' ', '\r', '\n', (byte) 0xc3, (byte) 0xa9};
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int i = random.nextInt(3000); i > 0; i--) {
            if (random.nextInt(500) == 0) {
                file.writeBytes(new byte[FileLines.MAX_LINE_BYTES + random.nextInt(100)]); // one line over the cap
            }
            file.write(alphabet[random.nextInt(alphabet.length)]);
        }
        byte[] bytes = file.toByteArray();

        FileLines lines = new FileLines(']');
        List<String> seen = new ArrayList<>();
        FileLines.Target target = (line, from, to, lastMarker) -> {
            assertThat(lastMarker).isBetween(from - 1, to);
            for (int k = lastMarker + 1; k < to; k++) {
                assertThat(line[k]).as("a marker after %d in [%d, %d)", lastMarker, from, to).isNotEqualTo((byte) ']');
            }
            seen.add(Arrays.toString(Arrays.copyOfRange(line, from, to)));
        };
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 50 : 70_000));
            lines.read(Arrays.copyOfRange(bytes, at, at + n), n, target);
            at += n;
        }
        lines.finish(target);

        List<String> expected = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length ? i > start : bytes[i] == '\n') {
                int end = Math.min(i, start + FileLines.MAX_LINE_BYTES);
                if (end > start && bytes[end - 1] == '\r') {
                    end--;
                }
                expected.add(Arrays.toString(Arrays.copyOfRange(bytes, start, end)));
                start = i + 1;
            }
        }
        assertThat(seen).isEqualTo(expected);
    }
}
