package io.colony.node.net.gossip;

import com.google.protobuf.ByteString;

/**
 * Identity and signature operations of the router (StrictSign), kept behind an interface so the
 * router stays pure: the real implementation uses Ed25519, simulations may use a cheap one.
 */
public interface MessageSigner {

    /** Binary form of a peer id, as carried in a message's {@code from} field and in PX. */
    ByteString encodePeerId(String peerId);

    /** Text form of a binary peer id, or {@code null} if the bytes are not a valid peer id. */
    String decodePeerId(ByteString peerId);

    /** Signs a payload with the local peer's key. */
    ByteString sign(byte[] payload);

    /** Verifies a signature made by the key the binary peer id {@code from} names. */
    boolean verify(ByteString from, byte[] payload, ByteString signature);
}
