package dev.nodemedic.daemons.kernellog.source;

import java.time.Instant;

/**
 * One /dev/kmsg record: {@code priority,sequence,microseconds,flags[,more];message}, then dictionary
 * lines starting with a space ({@code  SUBSYSTEM=block}), which are not part of the message.
 *
 * @param sequence the kernel's record number; a gap means records were overwritten before being read
 * @param micros   microseconds since boot (monotonic)
 * @param message  the text, trimmed as NPD trims it
 */
public record KmsgRecord(long sequence, long micros, String message) {

    /** @throws IllegalArgumentException when {@code record} is not a kmsg record */
    public static KmsgRecord parse(String record) {
        int semicolon = record.indexOf(';');
        if (semicolon < 0) {
            throw new IllegalArgumentException("no ';' after the record's prefix");
        }
        int field = 0;
        long sequence = 0;
        long micros = 0;
        for (int i = 0; i < semicolon; i++) {
            char c = record.charAt(i);
            if (c == ',') {
                field++;
            } else if (field == 1 && c >= '0' && c <= '9') {
                sequence = sequence * 10 + (c - '0');
            } else if (field == 2 && c >= '0' && c <= '9') {
                micros = micros * 10 + (c - '0');
            }
        }
        if (field < 3) {
            throw new IllegalArgumentException("the prefix has fewer than priority,sequence,microseconds,flags");
        }
        int end = record.indexOf('\n', semicolon + 1);
        String message = record.substring(semicolon + 1, end < 0 ? record.length() : end).strip();
        return new KmsgRecord(sequence, micros, message);
    }

    /**
     * Hands a record's message to {@code sink} at {@code boot} plus its microseconds.
     *
     * @return false when {@code record} is not a kmsg record or its message is empty (NPD skips those)
     */
    public static boolean decode(String record, Instant boot, LineSink sink) {
        KmsgRecord parsed;
        try {
            parsed = parse(record);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (parsed.message().isEmpty()) {
            return false;
        }
        sink.line(parsed.at(boot), parsed.message());
        return true;
    }

    public Instant at(Instant boot) {
        return boot.plusNanos(micros * 1000);
    }
}
