package dev.nodemedic.daemons.containerruntime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a protobuf message in the wire format: each field is a varint key ({@code field << 3 | wire type})
 * then its value. Only the two kinds our messages have: varints (bool) and length-delimited (string,
 * embedded message). Like proto3, a field at its default value is not written.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter string(int field, String value) {
        if (!value.isEmpty()) {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    ProtoWriter bool(int field, boolean value) {
        if (value) {
            key(field, VARINT);
            varint(1);
        }
        return this;
    }

    /** An embedded message; written even when empty, as a present message differs from an absent one. */
    ProtoWriter message(int field, byte[] encoded) {
        return bytes(field, encoded);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private ProtoWriter bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    private void key(int field, int wireType) {
        varint((long) field << 3 | wireType);
    }

    /** Seven bits at a time, least significant first, the high bit set on every byte but the last. */
    private void varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }
}
