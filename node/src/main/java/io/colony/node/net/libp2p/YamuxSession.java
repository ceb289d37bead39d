package io.colony.node.net.libp2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The yamux multiplexer of one connection (the last handler of its pipeline). Streams we open get
 * odd ids when we dialed, even ids when we were dialed. Every frame is processed on the channel's
 * event loop.
 */
final class YamuxSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(YamuxSession.class);
    /** Protocol id negotiated with multistream-select. */
    static final String PROTOCOL_ID = "/yamux/1.0.0";
    /** Largest Data frame we send. */
    static final int MAX_DATA_FRAME = 64 * 1024;

    private final HostConfig config;
    private final PeerId remotePeer;
    private final Function<YamuxStream, StreamHandler> inbound;
    private final Map<Integer, YamuxStream> streams = new HashMap<>();
    private final AtomicInteger streamCount = new AtomicInteger();
    private ChannelHandlerContext ctx;
    private int nextId;
    /** Outbound bytes queued on all streams, waiting for windows (event loop only). */
    long pendingBytes;
    private boolean goAwaySent;
    private boolean goAwayReceived;

    /**
     * @param client true on the dialing side (odd stream ids)
     * @param inbound gives each stream the remote opens its first handler (protocol negotiation)
     */
    YamuxSession(HostConfig config, boolean client, PeerId remotePeer, Function<YamuxStream, StreamHandler> inbound) {
        this.config = config;
        this.remotePeer = remotePeer;
        this.inbound = inbound;
        this.nextId = client ? 1 : 2;
    }

    HostConfig config() {
        return config;
    }

    PeerId remotePeer() {
        return remotePeer;
    }

    /** The remote end of the underlying TCP connection. */
    Multiaddr remoteAddress() {
        return Multiaddr.fromSocketAddress((java.net.InetSocketAddress) ctx.channel().remoteAddress());
    }

    int streamCount() {
        return streamCount.get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Runs {@code task} on the event loop (now, if already there).
     *
     * @return false if the event loop no longer accepts tasks (the host is shutting down)
     */
    boolean execute(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return true;
        }
        try {
            ctx.executor().execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Opens a stream; {@code handler} gets {@code onOpen} right away, on the event loop. */
    CompletableFuture<YamuxStream> openStream(StreamHandler handler) {
        CompletableFuture<YamuxStream> f = new CompletableFuture<>();
        boolean queued = execute(() -> {
            if (!ctx.channel().isActive() || goAwaySent || goAwayReceived) {
                f.completeExceptionally(new IllegalStateException("connection to " + remotePeer + " is closing"));
                return;
            }
            if (streams.size() >= config.maxStreamsPerConnection()) {
                f.completeExceptionally(new IllegalStateException("too many streams to " + remotePeer));
                return;
            }
            int id = nextId;
            nextId += 2;
            YamuxStream s = new YamuxStream(this, id, handler, config.yamuxWindow());
            addStream(s);
            writeHeader(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, id, config.yamuxWindow() - HostConfig.DEFAULT_YAMUX_WINDOW);
            startStream(s);
            f.complete(s);
        });
        if (!queued) {
            f.completeExceptionally(new IllegalStateException("host is shutting down"));
        }
        return f;
    }

    private void startStream(YamuxStream s) {
        try {
            s.handler().onOpen(s);
        } catch (RuntimeException e) {
            LOG.debug("stream handler failed on open", e);
            s.reset();
        }
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        YamuxFrame frame = (YamuxFrame) msg;
        try {
            handleFrame(frame);
        } catch (ProtocolError e) {
            LOG.debug("{}: yamux protocol error: {}", ctx.channel(), e.getMessage());
            goAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
        } finally {
            frame.data().release();
        }
    }

    private void handleFrame(YamuxFrame f) throws ProtocolError {
        switch (f.type()) {
            case YamuxFrame.PING -> {
                if (f.has(YamuxFrame.SYN)) {
                    writeHeader(YamuxFrame.PING, YamuxFrame.ACK, 0, f.length());
                    ctx.flush();
                }
            }
            case YamuxFrame.GO_AWAY -> {
                goAwayReceived = true;
                LOG.debug("{}: remote went away (code {})", ctx.channel(), f.length());
            }
            case YamuxFrame.WINDOW_UPDATE, YamuxFrame.DATA -> handleStreamFrame(f);
            default -> throw new ProtocolError("unknown frame type " + f.type());
        }
    }

    private void handleStreamFrame(YamuxFrame f) throws ProtocolError {
        YamuxStream s = streams.get(f.streamId());
        if (f.has(YamuxFrame.SYN)) {
            if (s != null || f.streamId() == 0 || (f.streamId() & 1) == (nextId & 1)) {
                throw new ProtocolError("bad SYN for stream " + f.streamId());
            }
            if (goAwaySent || streams.size() >= config.maxStreamsPerConnection()) {
                writeHeader(YamuxFrame.WINDOW_UPDATE, YamuxFrame.RST, f.streamId(), 0);
                ctx.flush();
                return;
            }
            s = new YamuxStream(this, f.streamId(), null, config.yamuxWindow());
            s.setHandler(inbound.apply(s));
            addStream(s);
            writeHeader(YamuxFrame.WINDOW_UPDATE, YamuxFrame.ACK, f.streamId(),
                    config.yamuxWindow() - HostConfig.DEFAULT_YAMUX_WINDOW);
            startStream(s);
        }
        if (s == null) {
            return;
        }
        if (f.has(YamuxFrame.RST)) {
            s.terminate();
            return;
        }
        if (f.type() == YamuxFrame.WINDOW_UPDATE) {
            s.sendWindow += f.length();
            if (s.sendWindow > 0xFFFFFFFFL) {
                throw new ProtocolError("send window overflow");
            }
            s.flush();
        } else if (f.length() > 0) {
            receive(s, f.data());
        }
        if (f.has(YamuxFrame.FIN)) {
            s.onRemoteFin();
        }
    }

    private void receive(YamuxStream s, ByteBuf data) throws ProtocolError {
        int n = data.readableBytes();
        if (n > s.recvWindow) {
            throw new ProtocolError("stream " + s.id() + " exceeded its receive window");
        }
        s.recvWindow -= n;
        s.onData(ByteBufUtil.getBytes(data));
        if (!s.isOpen()) {
            return;
        }
        s.recvConsumed += n;
        if (s.recvConsumed >= config.yamuxWindow() / 2) {
            writeHeader(YamuxFrame.WINDOW_UPDATE, 0, s.id(), s.recvConsumed);
            s.recvWindow += s.recvConsumed;
            s.recvConsumed = 0;
            ctx.flush();
        }
    }

    private void addStream(YamuxStream s) {
        streams.put(s.id(), s);
        streamCount.incrementAndGet();
    }

    void removeStream(YamuxStream s) {
        if (streams.remove(s.id()) != null) {
            streamCount.decrementAndGet();
        }
    }

    void writeData(int id, byte[] data, int offset, int length) {
        ByteBuf b = ctx.alloc().buffer(YamuxFrame.HEADER + length);
        YamuxFrame.writeHeader(b, YamuxFrame.DATA, 0, id, length);
        b.writeBytes(data, offset, length);
        ctx.write(b);
    }

    void writeFlags(int id, int flags) {
        writeHeader(YamuxFrame.WINDOW_UPDATE, flags, id, 0);
    }

    private void writeHeader(int type, int flags, int id, long length) {
        ctx.write(YamuxFrame.header(ctx.alloc(), type, flags, id, length));
    }

    void flush() {
        ctx.flush();
    }

    /** Runs {@code task} on the event loop after {@code delay}. */
    void schedule(Runnable task, java.time.Duration delay) {
        ctx.executor().schedule(task, delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Sends go-away and closes the connection once it is written. */
    void goAway(int code) {
        execute(() -> {
            if (!goAwaySent && ctx.channel().isActive()) {
                goAwaySent = true;
                ctx.writeAndFlush(YamuxFrame.header(ctx.alloc(), YamuxFrame.GO_AWAY, 0, 0, code))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (YamuxStream s : new ArrayList<>(streams.values())) {
            s.terminate();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: closing connection: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    private static final class ProtocolError extends Exception {
        ProtocolError(String message) {
            super(message);
        }
    }
}
