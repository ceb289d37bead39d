package io.colony.node.net.libp2p;

import java.util.concurrent.CompletableFuture;

/** A secured (Noise), multiplexed (yamux) connection to one authenticated peer. */
public interface Connection {

    /** The remote peer, authenticated by the Noise handshake. */
    PeerId remotePeer();

    /** The remote's 32-byte Ed25519 identity key. */
    byte[] remotePublicKey();

    /** The remote's transport address ({@code /ip4/…/tcp/…}). */
    Multiaddr remoteAddress();

    /** Our end's transport address. */
    Multiaddr localAddress();

    /** True if the remote dialed us. */
    boolean isInbound();

    /**
     * Opens a stream and negotiates {@code protocol} on it; fails with
     * {@link UnsupportedProtocolException} if the remote does not speak it.
     */
    CompletableFuture<P2pStream> newStream(String protocol, StreamHandler handler);

    /** Number of currently open streams. */
    int streamCount();

    boolean isOpen();

    /** Closes the connection (yamux go-away, then TCP close). */
    void close();

    /** Completes once the connection is closed, whoever closed it. */
    CompletableFuture<Void> closeFuture();
}
