package io.colony.node.net.libp2p;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Connection} backed by a Netty channel whose pipeline ends in a {@link YamuxSession}. */
final class HostConnection implements Connection {

    private static final Logger LOG = LoggerFactory.getLogger(HostConnection.class);

    private final Channel channel;
    private final YamuxSession session;
    private final PeerId remotePeer;
    private final byte[] remotePublicKey;
    private final boolean inbound;
    private final Multiaddr remoteAddress;
    private final Multiaddr localAddress;

    HostConnection(Channel channel, YamuxSession session, byte[] remotePublicKey, boolean inbound,
            Multiaddr remoteAddress, Multiaddr localAddress) {
        this.channel = channel;
        this.session = session;
        this.remotePeer = session.remotePeer();
        this.remotePublicKey = remotePublicKey.clone();
        this.inbound = inbound;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public byte[] remotePublicKey() {
        return remotePublicKey.clone();
    }

    @Override
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Multiaddr localAddress() {
        return localAddress;
    }

    @Override
    public boolean isInbound() {
        return inbound;
    }

    @Override
    public CompletableFuture<P2pStream> newStream(String protocol, StreamHandler handler) {
        CompletableFuture<P2pStream> result = new CompletableFuture<>();
        StreamNegotiation negotiation;
        try {
            negotiation = StreamNegotiation.dialer(protocol, handler, result);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        session.openStream(negotiation).whenComplete((s, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public int streamCount() {
        return session.streamCount();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        session.goAway(YamuxFrame.GO_AWAY_NORMAL);
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        channel.closeFuture().addListener(x -> f.complete(null));
        return f;
    }

    /**
     * Pings the remote every {@code interval} and closes the connection when a ping gets no
     * echo in time. A remote that does not speak ping at all counts as alive (it answered).
     */
    void keepAlive(Duration interval, Duration timeout) {
        long period = interval.toMillis();
        var task = channel.eventLoop().scheduleAtFixedRate(() -> Ping.ping(this, timeout).whenComplete((rtt, e) -> {
            if (e != null && isOpen() && !(unwrap(e) instanceof UnsupportedProtocolException)) {
                LOG.debug("{}: keep-alive ping failed ({}); closing", this, unwrap(e).toString());
                close();
            }
        }), period, period, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> task.cancel(false));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Closes the connection once it has had no stream for {@code idle}. */
    void closeWhenIdle(Duration idle) {
        long[] idleSince = {System.nanoTime()};
        long period = Math.max(1, idle.toMillis() / 2);
        var task = channel.eventLoop().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (session.streamCount() > 0) {
                idleSince[0] = now;
            } else if (now - idleSince[0] >= idle.toNanos()) {
                close();
            }
        }, period, period, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> task.cancel(false));
    }

    @Override
    public String toString() {
        return "Connection[" + remotePeer + " " + remoteAddress + (inbound ? " in" : " out") + "]";
    }
}
