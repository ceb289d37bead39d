package io.colony.node.net.libp2p;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Messages framed as {@code uvarint(length) || bytes}, the framing of identify and of
 * request/response. The reader accumulates chunks and rejects messages over its limit.
 */
final class LengthPrefixed {

    private final int maxMessage;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    /** Bytes the buffer must hold before the next message is complete (0: unknown). */
    private long needed;

    LengthPrefixed(int maxMessage) {
        this.maxMessage = maxMessage;
    }

    /** Frames one message. */
    static byte[] frame(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + Varint.MAX_BYTES);
        Varint.write(out, message.length);
        out.writeBytes(message);
        return out.toByteArray();
    }

    /**
     * Adds received bytes and returns the messages completed by them.
     *
     * @throws IllegalArgumentException on a malformed or oversized length
     */
    List<byte[]> feed(byte[] chunk) {
        buffer.writeBytes(chunk);
        if (buffer.size() < needed) {
            return List.of();
        }
        needed = 0;
        byte[] in = buffer.toByteArray();
        List<byte[]> out = new ArrayList<>(1);
        int pos = 0;
        while (true) {
            Varint.Decoded len = Varint.decode(in, pos, in.length);
            if (len == null) {
                break;
            }
            if (len.value() > maxMessage) {
                throw new IllegalArgumentException("message of " + len.value() + " bytes exceeds the limit of " + maxMessage);
            }
            int end = pos + len.length() + (int) len.value();
            if (end > in.length) {
                needed = end - pos;
                break;
            }
            out.add(Arrays.copyOfRange(in, pos + len.length(), end));
            pos = end;
        }
        if (pos > 0) {
            buffer.reset();
            buffer.write(in, pos, in.length - pos);
        }
        return out;
    }

    /** Bytes received but not yet part of a complete message. */
    int buffered() {
        return buffer.size();
    }
}
