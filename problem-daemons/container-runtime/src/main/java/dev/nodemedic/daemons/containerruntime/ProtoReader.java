package dev.nodemedic.daemons.containerruntime;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a protobuf message in the wire format, one field at a time. Fields the caller does not know
 * are {@link #skip() skipped}, as protobuf requires, so a newer runtime's additions do not break us.
 * Malformed input (a truncated value, a length beyond the end, a varint over ten bytes, the
 * deprecated group wire types) throws {@link MalformedMessageException}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    /** A message that is not valid protobuf, or not the one expected. */
    static final class MalformedMessageException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(String message) {
            super(message);
        }
    }

    private final byte[] data;
    private int position;
    private int field;
    private int wireType;

    ProtoReader(byte[] data) {
        this.data = data;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() throws MalformedMessageException {
        if (position >= data.length) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 0x7);
        if (field <= 0 || key >>> 3 > 0x1FFFFFFF) {
            throw new MalformedMessageException("field number " + (key >>> 3) + " at byte " + position + " is out of range");
        }
        return true;
    }

    int field() {
        return field;
    }

    String string() throws MalformedMessageException {
        return new String(lengthDelimited(), StandardCharsets.UTF_8);
    }

    boolean bool() throws MalformedMessageException {
        expect(VARINT, "a bool");
        return varint() != 0;
    }

    /** An embedded message's bytes, to read with a new reader. */
    byte[] message() throws MalformedMessageException {
        return lengthDelimited();
    }

    void skip() throws MalformedMessageException {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(length());
            case FIXED32 -> advance(4);
            default -> throw new MalformedMessageException("field " + field + " has wire type " + wireType + ", which protobuf 3 does not use");
        }
    }

    private byte[] lengthDelimited() throws MalformedMessageException {
        expect(LENGTH_DELIMITED, "a length-delimited value");
        int length = length();
        int start = position;
        advance(length);
        return Arrays.copyOfRange(data, start, start + length);
    }

    private int length() throws MalformedMessageException {
        long length = varint();
        if (length > data.length - position) {
            throw new MalformedMessageException("field " + field + " claims " + length + " bytes, only " + (data.length - position) + " are left");
        }
        return (int) length;
    }

    private void advance(int bytes) throws MalformedMessageException {
        if (bytes > data.length - position) {
            throw new MalformedMessageException("field " + field + " is cut off: needs " + bytes + " bytes, " + (data.length - position) + " are left");
        }
        position += bytes;
    }

    private void expect(int expected, String what) throws MalformedMessageException {
        if (wireType != expected) {
            throw new MalformedMessageException("field " + field + " should be " + what + " (wire type " + expected + ") but has wire type " + wireType);
        }
    }

    private long varint() throws MalformedMessageException {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (position >= data.length) {
                throw new MalformedMessageException("a varint is cut off at the end of the message");
            }
            byte b = data[position++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new MalformedMessageException("a varint runs over ten bytes");
    }
}
