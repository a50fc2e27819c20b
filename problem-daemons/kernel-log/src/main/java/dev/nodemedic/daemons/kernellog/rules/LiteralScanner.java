package dev.nodemedic.daemons.kernellog.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds which of a fixed set of ASCII literals occur in a line, in one pass (Aho–Corasick, compiled
 * to a full transition table). This is what keeps most lines away from the regular expressions: a
 * rule's pattern runs only when one of its required literals is present.
 *
 * <p>The table has 128 columns; any other character cannot be part of a literal (see
 * {@link RequiredLiterals}) and is read as NUL, which no literal contains, so it sends the scan back
 * to the root exactly as a foreign character should.
 */
final class LiteralScanner {
    private static final int ALPHABET = 128;

    private final int literalCount;
    private final int words;
    /** next state = delta[state * 128 + c]. */
    private final int[] delta;
    /** literals ending at a state (with those of its suffixes), as bits: out[state * words + w]. */
    private final long[] out;
    /** whether a state has any output, so the hot loop tests one boolean. */
    private final boolean[] accepting;

    LiteralScanner(List<String> literals) {
        this.literalCount = literals.size();
        this.words = Math.max(1, (literalCount + 63) / 64);
        List<int[]> gotoRows = new ArrayList<>();
        List<long[]> outputs = new ArrayList<>();
        gotoRows.add(newRow());
        outputs.add(new long[words]);
        for (int id = 0; id < literals.size(); id++) {
            String literal = literals.get(id);
            int state = 0;
            for (int i = 0; i < literal.length(); i++) {
                char c = literal.charAt(i);
                if (c >= ALPHABET || c == 0) {
                    throw new IllegalArgumentException("literal \"" + literal + "\" is not plain ASCII");
                }
                int next = gotoRows.get(state)[c];
                if (next < 0) {
                    next = gotoRows.size();
                    gotoRows.add(newRow());
                    outputs.add(new long[words]);
                    gotoRows.get(state)[c] = next;
                }
                state = next;
            }
            outputs.get(state)[id >>> 6] |= 1L << (id & 63);
        }
        int states = gotoRows.size();
        delta = new int[states * ALPHABET];
        out = new long[states * words];
        accepting = new boolean[states];
        int[] fail = new int[states];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        // Breadth first, so a state's failure target is complete before the state is.
        for (int c = 0; c < ALPHABET; c++) {
            int next = gotoRows.get(0)[c];
            if (next > 0) {
                fail[next] = 0;
                delta[c] = next;
                queue.add(next);
            } else {
                delta[c] = 0;
            }
        }
        copyOutput(outputs, 0);
        while (!queue.isEmpty()) {
            int state = queue.poll();
            long[] own = outputs.get(state);
            for (int w = 0; w < words; w++) {
                own[w] |= out[fail[state] * words + w];
            }
            copyOutput(outputs, state);
            for (int c = 0; c < ALPHABET; c++) {
                int next = gotoRows.get(state)[c];
                if (next > 0) {
                    fail[next] = delta[fail[state] * ALPHABET + c];
                    delta[state * ALPHABET + c] = next;
                    queue.add(next);
                } else {
                    delta[state * ALPHABET + c] = delta[fail[state] * ALPHABET + c];
                }
            }
        }
    }

    private int[] newRow() {
        int[] row = new int[ALPHABET];
        Arrays.fill(row, -1);
        return row;
    }

    private void copyOutput(List<long[]> outputs, int state) {
        long[] own = outputs.get(state);
        boolean any = false;
        for (int w = 0; w < words; w++) {
            out[state * words + w] = own[w];
            any |= own[w] != 0;
        }
        accepting[state] = any;
    }

    int words() {
        return words;
    }

    int literalCount() {
        return literalCount;
    }

    /**
     * {@link #scan(String, long[], int)} of a line's UTF-8 bytes, with the same result as on the decoded
     * line: the literals are ASCII, and in UTF-8 an ASCII byte is always that character (the decoder
     * never takes one into a multi-byte or malformed sequence), while every other byte, like every other
     * character, sends the scan back to the root.
     *
     * @return whether any literal was found
     */
    boolean scan(byte[] utf8, int from, int to, long[] found, int offset) {
        for (int w = 0; w < words; w++) {
            found[offset + w] = 0;
        }
        if (literalCount == 0) {
            return false;
        }
        int[] delta = this.delta;
        boolean[] accepting = this.accepting;
        boolean any = false;
        int state = 0;
        for (int i = from; i < to; i++) {
            int c = utf8[i];
            state = delta[(state << 7) | (c >= 0 ? c : 0)];
            if (accepting[state]) {
                any = true;
                for (int w = 0; w < words; w++) {
                    found[offset + w] |= out[state * words + w];
                }
            }
        }
        return any;
    }

    /**
     * Sets in {@code found} (from {@code offset}, {@link #words()} longs, cleared first) the bit of every
     * literal that occurs in {@code line}. Allocates nothing.
     *
     * @return whether any literal was found
     */
    boolean scan(String line, long[] found, int offset) {
        for (int w = 0; w < words; w++) {
            found[offset + w] = 0;
        }
        if (literalCount == 0) {
            return false;
        }
        int[] delta = this.delta;
        boolean[] accepting = this.accepting;
        boolean any = false;
        int state = 0;
        int length = line.length();
        for (int i = 0; i < length; i++) {
            char c = line.charAt(i);
            state = delta[(state << 7) | (c < ALPHABET ? c : 0)];
            if (accepting[state]) {
                any = true;
                for (int w = 0; w < words; w++) {
                    found[offset + w] |= out[state * words + w];
                }
            }
        }
        return any;
    }
}
