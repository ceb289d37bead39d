package io.colony.node.net.libp2p;

import io.colony.node.net.libp2p.NoiseCipher.NoiseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.PromiseCombiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Noise transport phase: decrypts inbound frames (already split by a 2-byte length frame
 * decoder) into plaintext, and encrypts outbound plaintext into length-prefixed frames of at most
 * 65535 bytes.
 */
final class NoiseTransportHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(NoiseTransportHandler.class);
    private static final byte[] NO_AD = new byte[0];
    /** Largest plaintext per Noise message. */
    static final int MAX_PLAINTEXT = NoiseHandshake.MAX_MESSAGE - NoiseCipher.TAG;

    private final NoiseCipher sender;
    private final NoiseCipher receiver;

    NoiseTransportHandler(NoiseHandshake.Session session) {
        this.sender = session.sender();
        this.receiver = session.receiver();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        byte[] plain;
        try {
            byte[] cipher = new byte[frame.readableBytes()];
            frame.readBytes(cipher);
            plain = receiver.decrypt(NO_AD, cipher, 0, cipher.length);
        } catch (NoiseException e) {
            LOG.debug("{}: dropping connection: {}", ctx.channel(), e.getMessage());
            ctx.close();
            return;
        } finally {
            frame.release();
        }
        if (plain.length > 0) {
            ctx.fireChannelRead(Unpooled.wrappedBuffer(plain));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.write(msg, promise);
            return;
        }
        try {
            int readable = buf.readableBytes();
            if (readable <= MAX_PLAINTEXT) {
                ctx.write(encryptFrame(ctx, buf, readable), promise);
                return;
            }
            PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
            while (buf.isReadable()) {
                combiner.add(ctx.write(encryptFrame(ctx, buf, Math.min(MAX_PLAINTEXT, buf.readableBytes()))));
            }
            combiner.finish(promise);
        } finally {
            buf.release();
        }
    }

    private ByteBuf encryptFrame(ChannelHandlerContext ctx, ByteBuf buf, int length) {
        byte[] plain = new byte[length];
        buf.readBytes(plain);
        byte[] cipher = sender.encrypt(NO_AD, plain, 0, length);
        ByteBuf out = ctx.alloc().buffer(2 + cipher.length);
        out.writeShort(cipher.length);
        out.writeBytes(cipher);
        return out;
    }
}
