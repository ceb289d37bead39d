package io.colony.node.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection-level limits of the API: at most {@code max} open connections (more are closed at once),
 * and a read timeout against slow clients (slowloris): a new connection must complete a request (TLS
 * handshake, headers and body) within the timeout, and so must every later request from its first byte.
 */
final class ConnectionGuard {

    private final int max;
    private final long readTimeoutMs;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionGuard(int max, long readTimeoutMs) {
        this.max = max;
        this.readTimeoutMs = readTimeoutMs;
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

    /** Counts connections; closes those beyond the cap. Shared by all connections. */
    ChannelHandler counter() {
        return new Counter();
    }

    @ChannelHandler.Sharable
    private final class Counter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                ctx.channel().attr(io.netty.util.AttributeKey.<Boolean>valueOf("colony.refused")).set(true);
                ctx.close();
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            Boolean refused = ctx.channel().attr(io.netty.util.AttributeKey.<Boolean>valueOf("colony.refused")).get();
            if (refused == null) {
                open.decrementAndGet();
            }
            super.channelInactive(ctx);
        }
    }

    /**
     * The two ends of the read timeout of one connection: {@code start()} sits before the HTTP decoder
     * (it sees the first bytes of a request), {@code end()} after the aggregator (it sees the whole request).
     */
    ChannelHandler[] readTimeout() {
        ReadTimer timer = new ReadTimer();
        return new ChannelHandler[] {timer.start, timer.end};
    }

    private final class ReadTimer {
        private ScheduledFuture<?> pending;
        private boolean inRequest;

        final ChannelHandler start = new ChannelDuplexHandler() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                arm(ctx);
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (!inRequest && msg instanceof ByteBuf b && b.isReadable()) {
                    inRequest = true;
                    if (pending == null) {
                        arm(ctx);
                    }
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                disarm();
                super.channelInactive(ctx);
            }
        };

        final ChannelHandler end = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof FullHttpRequest) {
                    disarm();
                    inRequest = false;
                }
                super.channelRead(ctx, msg);
            }
        };

        private void arm(ChannelHandlerContext ctx) {
            disarm();
            pending = ctx.executor().schedule(() -> {
                pending = null;
                ctx.close();
            }, readTimeoutMs, TimeUnit.MILLISECONDS);
        }

        private void disarm() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }
    }
}
