package io.colony.node.net.libp2p;

/**
 * Decides right after the Noise handshake whether an authenticated peer may stay connected.
 * Refused peers are disconnected before any stream is opened. Called on network threads.
 */
@FunctionalInterface
public interface ConnectionGate {

    /** Lets everybody in. */
    ConnectionGate ALLOW_ALL = (peer, key) -> true;

    boolean allow(PeerId peer, byte[] ed25519PublicKey);

    /** The same, knowing the remote IP address (null if unknown); by default ignores it. */
    default boolean allow(PeerId peer, byte[] ed25519PublicKey, java.net.InetAddress remote) {
        return allow(peer, ed25519PublicKey);
    }
}
