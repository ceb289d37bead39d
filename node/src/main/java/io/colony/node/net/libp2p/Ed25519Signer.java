package io.colony.node.net.libp2p;

import com.google.protobuf.ByteString;
import io.colony.node.net.gossip.MessageSigner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The real gossip {@link MessageSigner}: libp2p peer ids (identity multihash of the Ed25519 key) and
 * Ed25519 signatures. The key of a message's author is taken from its {@code from} peer id, so
 * messages need no {@code key} field. Thread-safe.
 */
public final class Ed25519Signer implements MessageSigner {

    private static final int CACHE_SIZE = 1024;

    private final Ed25519KeyPair identity;
    private final Map<ByteString, String> names = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, String> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public Ed25519Signer(Ed25519KeyPair identity) {
        this.identity = identity;
    }

    @Override
    public ByteString encodePeerId(String peerId) {
        return ByteString.copyFrom(PeerId.parse(peerId).toBytes());
    }

    @Override
    public synchronized String decodePeerId(ByteString peerId) {
        String name = names.get(peerId);
        if (name == null) {
            try {
                name = PeerId.fromBytes(peerId.toByteArray()).toString();
            } catch (IllegalArgumentException e) {
                return null;
            }
            names.put(peerId, name);
        }
        return name;
    }

    @Override
    public ByteString sign(byte[] payload) {
        return ByteString.copyFrom(identity.sign(payload));
    }

    @Override
    public boolean verify(ByteString from, byte[] payload, ByteString signature) {
        Optional<byte[]> key;
        try {
            key = PeerId.fromBytes(from.toByteArray()).ed25519PublicKey();
        } catch (IllegalArgumentException e) {
            return false;
        }
        return key.isPresent() && Ed25519KeyPair.verify(key.get(), payload, signature.toByteArray());
    }
}
