package io.colony.node.net.libp2p;

/**
 * Learns about peers coming and going. Called on network threads; never block. {@code connected}
 * fires when the first connection to a peer is ready, {@code disconnected} when its last one closed.
 */
public interface ConnectionListener {

    void connected(PeerId peer, byte[] ed25519PublicKey, Connection connection);

    void disconnected(PeerId peer);
}
