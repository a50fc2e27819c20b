package dev.nodemedic.daemons.kernellog.source;

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

    /** Where each line goes: {@code bytes[from, to)}, no newline in it. */
    @FunctionalInterface
    public interface Target {
        void line(byte[] bytes, int from, int to);
    }

    private byte[] partial = new byte[4096];
    private int partialLength;

    /** Hands on every line that ends in {@code block[0, length)}, and keeps what follows the last newline. */
    public void read(byte[] block, int length, Target target) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (block[i] == '\n') {
                emit(block, start, i - start, target);
                start = i + 1;
            }
        }
        append(block, start, length - start);
    }

    /** A last line without its newline, in a file that will not grow again. */
    public void finish(Target target) {
        if (partialLength > 0) {
            emit(partial, 0, 0, target);
        }
    }

    /** Forgets a line begun: the file was truncated, what follows is new. */
    public void reset() {
        partialLength = 0;
    }

    private void emit(byte[] bytes, int offset, int length, Target target) {
        byte[] line = bytes;
        int from = offset;
        int to = offset + Math.min(length, MAX_LINE_BYTES);
        if (partialLength > 0) {
            append(bytes, offset, length);
            line = partial;
            from = 0;
            to = partialLength;
            partialLength = 0;
        }
        if (to > from && line[to - 1] == '\r') {
            to--;
        }
        target.line(line, from, to);
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
