package io.colony.node.net.libp2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;

/**
 * One yamux frame: a 12-byte header ({@code version=0, type, flags, streamId, length}, big endian)
 * and, for Data frames, {@code length} payload bytes. For the other types {@code length} is a value
 * (window delta, ping opaque, go-away code).
 */
record YamuxFrame(int type, int flags, int streamId, long length, ByteBuf data) {

    static final int HEADER = 12;
    static final int DATA = 0;
    static final int WINDOW_UPDATE = 1;
    static final int PING = 2;
    static final int GO_AWAY = 3;

    static final int SYN = 1;
    static final int ACK = 2;
    static final int FIN = 4;
    static final int RST = 8;

    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;
    static final int GO_AWAY_INTERNAL_ERROR = 2;

    /** Writes a header into a fresh buffer (the payload, if any, follows separately). */
    static ByteBuf header(ByteBufAllocator alloc, int type, int flags, int streamId, long length) {
        ByteBuf b = alloc.buffer(HEADER);
        writeHeader(b, type, flags, streamId, length);
        return b;
    }

    static void writeHeader(ByteBuf b, int type, int flags, int streamId, long length) {
        b.writeByte(0);
        b.writeByte(type);
        b.writeShort(flags);
        b.writeInt(streamId);
        b.writeInt((int) length);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Splits the inbound byte stream into frames. Data frames larger than {@code maxData} and
     * unknown versions or types are protocol errors (the connection is closed by the session).
     */
    static final class Decoder extends ByteToMessageDecoder {
        private final int maxData;

        Decoder(int maxData) {
            this.maxData = maxData;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= HEADER) {
                int start = in.readerIndex();
                int version = in.getUnsignedByte(start);
                int type = in.getUnsignedByte(start + 1);
                int flags = in.getUnsignedShort(start + 2);
                int streamId = in.getInt(start + 4);
                long length = in.getUnsignedInt(start + 8);
                if (version != 0 || type > GO_AWAY) {
                    throw new CorruptedFrameException("bad yamux header (version " + version + ", type " + type + ")");
                }
                if (type != DATA) {
                    in.skipBytes(HEADER);
                    out.add(new YamuxFrame(type, flags, streamId, length, Unpooled.EMPTY_BUFFER));
                    continue;
                }
                if (length > maxData) {
                    throw new CorruptedFrameException("yamux data frame of " + length + " bytes");
                }
                if (in.readableBytes() < HEADER + length) {
                    return;
                }
                in.skipBytes(HEADER);
                out.add(new YamuxFrame(type, flags, streamId, length, in.readRetainedSlice((int) length)));
            }
        }
    }
}
