package io.colony.node.net.libp2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection-level multistream-select negotiation in a Netty pipeline. When a protocol
 * is selected it calls {@code onSelected} (which installs the next stage after this handler),
 * removes itself and passes any bytes that followed on to the next stage.
 */
final class MultistreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(MultistreamHandler.class);

    private final Multistream negotiation;
    private final BiConsumer<ChannelHandlerContext, String> onSelected;
    private boolean started;
    private boolean done;

    MultistreamHandler(Multistream negotiation, BiConsumer<ChannelHandlerContext, String> onSelected) {
        this.negotiation = negotiation;
        this.onSelected = onSelected;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (!started) {
            started = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(negotiation.initialOutput()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        byte[] data;
        try {
            data = ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
        Multistream.Step step;
        try {
            step = negotiation.onInput(data);
        } catch (Multistream.NegotiationException e) {
            LOG.debug("{}: multistream negotiation failed: {}", ctx.channel(), e.getMessage());
            ctx.close();
            return;
        }
        if (step.output().length > 0) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(step.output()));
        }
        if (step.done()) {
            done = true;
            onSelected.accept(ctx, step.selected());
            ctx.pipeline().remove(this);
            if (step.leftover().length > 0) {
                ctx.fireChannelRead(Unpooled.wrappedBuffer(step.leftover()));
            }
        }
    }
}
