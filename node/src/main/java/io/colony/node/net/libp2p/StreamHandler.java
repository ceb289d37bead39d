package io.colony.node.net.libp2p;

/**
 * Receives the events of one stream. Called on the connection's event loop: never block.
 * Bytes arrive in arbitrary chunks; framing is the handler's business.
 */
public interface StreamHandler {

    default void onOpen(P2pStream stream) {
    }

    void onData(P2pStream stream, byte[] data);

    /** The remote half-closed its side. */
    default void onRemoteClose(P2pStream stream) {
    }

    /** The stream is gone (reset by either side, or the connection died). Called once. */
    default void onClosed(P2pStream stream) {
    }
}
