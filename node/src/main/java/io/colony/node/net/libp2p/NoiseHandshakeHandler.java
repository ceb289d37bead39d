package io.colony.node.net.libp2p;

import io.colony.node.net.libp2p.NoiseCipher.NoiseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the Noise XX handshake over 2-byte length-prefixed frames (a frame decoder in front of
 * this handler delivers whole frames). When done it hands the transport ciphers and the remote's
 * identity to {@code listener}, which replaces this handler with a {@link NoiseTransportHandler}.
 */
final class NoiseHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(NoiseHandshakeHandler.class);

    /** Receives the outcome of the handshake. */
    interface Listener {
        /**
         * The remote proved its identity; returns false to abort (e.g. unexpected peer id), in
         * which case the connection is closed before the initiator sends its last message.
         */
        boolean remoteIdentified(ChannelHandlerContext ctx, byte[] encodedIdentityKey);

        void secured(ChannelHandlerContext ctx, NoiseHandshake.Session session);
    }

    private final NoiseHandshake handshake;
    private final boolean initiator;
    private final Listener listener;
    private boolean started;

    NoiseHandshakeHandler(boolean initiator, NoiseHandshake.StaticIdentity identity, Listener listener) {
        this.handshake = new NoiseHandshake(initiator, identity);
        this.initiator = initiator;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (initiator && !started && ctx.channel().isActive()) {
            started = true;
            send(ctx, handshake.writeMessage1());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        byte[] data;
        try {
            data = ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
        try {
            if (initiator) {
                byte[] remoteKey = handshake.readMessage2(data);
                if (!listener.remoteIdentified(ctx, remoteKey)) {
                    ctx.close();
                    return;
                }
                send(ctx, handshake.writeMessage3());
            } else if (!started) {
                started = true;
                handshake.readMessage1(data);
                send(ctx, handshake.writeMessage2());
                return;
            } else {
                byte[] remoteKey = handshake.readMessage3(data);
                if (!listener.remoteIdentified(ctx, remoteKey)) {
                    ctx.close();
                    return;
                }
            }
            listener.secured(ctx, handshake.split());
        } catch (NoiseException | IllegalStateException e) {
            LOG.debug("{}: noise handshake failed: {}", ctx.channel(), e.getMessage());
            ctx.close();
        }
    }

    private static void send(ChannelHandlerContext ctx, byte[] message) {
        ByteBuf out = ctx.alloc().buffer(2 + message.length);
        out.writeShort(message.length);
        out.writeBytes(message);
        ctx.writeAndFlush(out);
    }
}
