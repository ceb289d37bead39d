package io.colony.node.net.libp2p;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/**
 * Unsigned LEB128 varints as used throughout libp2p and multiformats (at most 9 bytes, 63 bits).
 */
public final class Varint {

    /** Longest varint accepted (multiformats limits unsigned varints to 9 bytes). */
    public static final int MAX_BYTES = 9;

    private Varint() {
    }

    /** Encodes a non-negative value. */
    public static byte[] encode(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_BYTES);
        write(out, value);
        return out.toByteArray();
    }

    /** Appends the encoding of a non-negative value to {@code out}. */
    public static void write(ByteArrayOutputStream out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative varint: " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** Writes the encoding of a non-negative value into a Netty buffer. */
    public static void write(ByteBuf out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative varint: " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    /** Number of bytes {@link #encode} produces for {@code value}. */
    public static int size(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /**
     * Decodes a varint at {@code offset}.
     *
     * @return the value and the number of bytes read, or {@code null} when the input ends first
     * @throws IllegalArgumentException when the varint is longer than {@link #MAX_BYTES} or not minimal
     */
    public static Decoded decode(byte[] in, int offset, int limit) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (offset + i >= limit) {
                return null;
            }
            int b = in[offset + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new IllegalArgumentException("varint is not minimally encoded");
                }
                return new Decoded(value, i + 1);
            }
        }
        throw new IllegalArgumentException("varint longer than " + MAX_BYTES + " bytes");
    }

    /**
     * Reads a varint from the buffer's reader index without consuming it.
     *
     * @return the decoded value and its length, or {@code null} if more bytes are needed
     */
    public static Decoded peek(ByteBuf in) {
        long value = 0;
        int start = in.readerIndex();
        for (int i = 0; i < MAX_BYTES; i++) {
            if (start + i >= in.writerIndex()) {
                return null;
            }
            int b = in.getUnsignedByte(start + i);
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new IllegalArgumentException("varint is not minimally encoded");
                }
                return new Decoded(value, i + 1);
            }
        }
        throw new IllegalArgumentException("varint longer than " + MAX_BYTES + " bytes");
    }

    /** A decoded varint and how many bytes it took. */
    public record Decoded(long value, int length) {
    }
}
