package io.colony.node.net.libp2p;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades one raw TCP channel the way libp2p does: multistream-select {@code /noise}, the Noise
 * XX handshake, the connection gate, multistream-select {@code /yamux/1.0.0}, then a yamux
 * session. The result completes with the ready connection or fails if any step fails or the
 * handshake timeout passes.
 */
final class ConnectionUpgrade implements NoiseHandshakeHandler.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionUpgrade.class);

    private final Libp2pHost host;
    private final Channel channel;
    private final boolean initiator;
    private final PeerId expectedPeer;
    private final CompletableFuture<HostConnection> result = new CompletableFuture<>();
    private PeerId remotePeer;
    private byte[] remoteKey;

    ConnectionUpgrade(Libp2pHost host, Channel channel, boolean initiator, PeerId expectedPeer) {
        this.host = host;
        this.channel = channel;
        this.initiator = initiator;
        this.expectedPeer = expectedPeer;
    }

    CompletableFuture<HostConnection> result() {
        return result;
    }

    /** Installs the first stage and arms the handshake timeout. */
    void install(ChannelPipeline pipeline) {
        Multistream security = initiator
                ? Multistream.dialer(NoiseHandshake.PROTOCOL_ID)
                : Multistream.listener(NoiseHandshake.PROTOCOL_ID::equals);
        pipeline.addLast("mss-security", new MultistreamHandler(security, this::securitySelected));
        long timeout = host.config().handshakeTimeout().toMillis();
        var timer = channel.eventLoop().schedule(() -> {
            if (result.completeExceptionally(new TimeoutException("connection upgrade timed out"))) {
                LOG.debug("{}: connection upgrade timed out", channel);
                channel.close();
            }
        }, timeout, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> {
            timer.cancel(false);
            result.completeExceptionally(new IllegalStateException("connection closed during upgrade"));
        });
    }

    private void securitySelected(ChannelHandlerContext ctx, String protocol) {
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "noise-frames",
                new LengthFieldBasedFrameDecoder(NoiseHandshake.MAX_MESSAGE + 2, 0, 2, 0, 2));
        p.addAfter("noise-frames", "noise",
                new NoiseHandshakeHandler(initiator, host.noiseIdentity(), this));
    }

    @Override
    public boolean remoteIdentified(ChannelHandlerContext ctx, byte[] encodedIdentityKey) {
        PeerId peer = PeerId.fromEncodedPublicKey(encodedIdentityKey);
        byte[] key = peer.ed25519PublicKey().orElseThrow();
        if (expectedPeer != null && !expectedPeer.equals(peer)) {
            LOG.debug("{}: expected peer {} but {} answered", channel, expectedPeer, peer);
            result.completeExceptionally(new IllegalStateException(
                    "dialed " + expectedPeer + " but the remote is " + peer));
            return false;
        }
        if (peer.equals(host.peerId())) {
            result.completeExceptionally(new IllegalStateException("refusing to connect to ourselves"));
            return false;
        }
        boolean allowed;
        try {
            java.net.InetAddress remote = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
            allowed = host.gate().allow(peer, key.clone(), remote);
        } catch (RuntimeException e) {
            LOG.warn("connection gate failed for {}", peer, e);
            allowed = false;
        }
        if (!allowed) {
            LOG.debug("{}: connection gate refused {}", channel, peer);
            result.completeExceptionally(new IllegalStateException("connection to " + peer + " refused by the gate"));
            return false;
        }
        remotePeer = peer;
        remoteKey = key;
        return true;
    }

    @Override
    public void secured(ChannelHandlerContext ctx, NoiseHandshake.Session session) {
        ChannelPipeline p = ctx.pipeline();
        p.replace(ctx.name(), "noise-transport", new NoiseTransportHandler(session));
        Multistream muxer = initiator
                ? Multistream.dialer(YamuxSession.PROTOCOL_ID)
                : Multistream.listener(YamuxSession.PROTOCOL_ID::equals);
        p.addAfter("noise-transport", "mss-muxer", new MultistreamHandler(muxer, this::muxerSelected));
    }

    private void muxerSelected(ChannelHandlerContext ctx, String protocol) {
        HostConfig cfg = host.config();
        YamuxSession session = new YamuxSession(cfg, initiator, remotePeer, host::inboundStream);
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "yamux-frames", new YamuxFrame.Decoder(cfg.yamuxWindow()));
        p.addAfter("yamux-frames", "yamux", session);
        HostConnection conn = new HostConnection(channel, session, remoteKey, !initiator,
                Multiaddr.fromSocketAddress((InetSocketAddress) channel.remoteAddress()),
                Multiaddr.fromSocketAddress((InetSocketAddress) channel.localAddress()));
        if (!result.complete(conn)) {
            channel.close();
        }
    }
}
