package io.colony.node.net.libp2p;

import java.util.concurrent.CompletableFuture;

/**
 * One multiplexed, secured, protocol-negotiated stream to a remote peer. Internal to the libp2p
 * implementation: the rest of the node sees {@link io.colony.node.net.PeerNetwork} only.
 */
public interface P2pStream {

    /** Text form (base58btc) of the remote peer's id. */
    String remotePeerId();

    /** The protocol id negotiated for this stream. */
    String protocol();

    /**
     * Queues bytes for sending. The future completes when the bytes were handed to the muxer
     * within the remote's flow-control window; it fails if the stream or connection dies.
     */
    CompletableFuture<Void> write(byte[] data);

    /** Half-closes: we send no more data, the remote may keep sending. */
    void closeWrite();

    /** Aborts the stream in both directions. */
    void reset();

    boolean isOpen();
}
