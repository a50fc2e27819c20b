package dev.nodemedic.logsources;

import java.util.Arrays;

/**
 * Cuts a file's bytes, read block by block, into lines as NPD's filelog plugin does: at {@code \n}
 * only, a {@code \r} before it dropped, a line that crosses two reads held until its newline comes.
 * A line longer than {@link #MAX_LINE_BYTES} is cut there: a file without newlines must not take the
 * agent's memory. Lines are handed on as bytes, valid only during the call, so nothing is copied
 * except a line that crosses two reads.
 */
public final class FileLines {
    /** A longer line is cut here. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    /**
     * Where each line goes: {@code bytes[from, to)}, no newline in it; no byte after {@code lastMarker} is
     * the marker ({@code from - 1}: none in the line; {@code to}: not known, for a line across two reads).
     */
    @FunctionalInterface
    public interface Target {
        void line(byte[] bytes, int from, int to, int lastMarker);
    }

    private final byte marker;
    private byte[] partial = new byte[4096];
    private int partialLength;
    /** Bytes read since the last newline, the line begun (uncapped, unlike {@link #partialLength}). */
    private long pending;
    /** Lines handed on since this object was made. */
    private long handedOn;

    /**
     * @param marker a byte whose last place in each line the reader notes on its way to the newline, so a
     *               caller that looks for it from the line's end need not scan the line again (kernel-log's
     *               line format does, for NPD's message expressions), or -1 for none
     */
    public FileLines(int marker) {
        this.marker = marker >= 0 && marker != '\n' ? (byte) marker : (byte) '\n';
    }

    /** Hands on every line that ends in {@code block[0, length)}, and keeps what follows the last newline. */
    public void read(byte[] block, int length, Target target) {
        byte marker = this.marker;
        int start = 0;
        int lastMarker = -1;
        for (int i = 0; i < length; i++) {
            byte b = block[i];
            if (b == '\n') {
                emit(block, start, i - start, Math.max(lastMarker, start - 1), target);
                start = i + 1;
            } else if (b == marker) {
                lastMarker = i;
            }
        }
        append(block, start, length - start);
        pending = start > 0 ? length - start : pending + length;
    }

    /** A last line without its newline, in a file that will not grow again. */
    public void finish(Target target) {
        if (partialLength > 0) {
            emit(partial, 0, 0, 0, target);
        }
        pending = 0;
    }

    /** Forgets a line begun: the file was truncated, what follows is new. */
    public void reset() {
        partialLength = 0;
        pending = 0;
    }

    /**
     * Bytes read since the last newline (a line begun, not handed on yet): where a reader stands in a file
     * less these is where the next line starts, the place to resume from without losing or repeating a line.
     */
    public long pending() {
        return pending;
    }

    /** Lines handed on since this object was made: a reader numbers a file's lines by it. */
    public long handedOn() {
        return handedOn;
    }

    private void emit(byte[] bytes, int offset, int length, int lastMarker, Target target) {
        byte[] line = bytes;
        int from = offset;
        int to = offset + Math.min(length, MAX_LINE_BYTES);
        if (partialLength > 0) {
            append(bytes, offset, length);
            line = partial;
            from = 0;
            to = partialLength;
            partialLength = 0;
            lastMarker = Integer.MAX_VALUE;
        }
        if (to > from && line[to - 1] == '\r') {
            to--;
        }
        handedOn++;
        target.line(line, from, to, Math.min(lastMarker, to));
    }

    private void append(byte[] bytes, int offset, int length) {
        int take = Math.min(MAX_LINE_BYTES - partialLength, length);
        if (partialLength + take > partial.length) {
            partial = Arrays.copyOf(partial, Math.min(MAX_LINE_BYTES, Math.max(partial.length * 2, partialLength + take)));
        }
        System.arraycopy(bytes, offset, partial, partialLength, take);
        partialLength += take;
    }
}
