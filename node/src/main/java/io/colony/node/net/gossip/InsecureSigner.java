package io.colony.node.net.gossip;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;

/**
 * A cheap stand-in for Ed25519 in simulations and tests: peer ids are their UTF-8 bytes and the
 * "signature" is a 64-bit FNV-1a checksum of author and payload. It detects corruption and
 * tampering by honest-but-buggy peers, not forgery: never use it on a real network.
 */
public final class InsecureSigner implements MessageSigner {

    private final ByteString self;

    public InsecureSigner(String selfId) {
        this.self = encodePeerId(selfId);
    }

    @Override
    public ByteString encodePeerId(String peerId) {
        return ByteString.copyFromUtf8(peerId);
    }

    @Override
    public String decodePeerId(ByteString peerId) {
        return peerId.isEmpty() || !peerId.isValidUtf8() ? null : peerId.toStringUtf8();
    }

    @Override
    public ByteString sign(byte[] payload) {
        return checksum(self, payload);
    }

    @Override
    public boolean verify(ByteString from, byte[] payload, ByteString signature) {
        return checksum(from, payload).equals(signature);
    }

    private static ByteString checksum(ByteString author, byte[] payload) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < author.size(); i++) {
            h = (h ^ (author.byteAt(i) & 0xff)) * 0x100000001b3L;
        }
        for (byte b : payload) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (h >>> (56 - 8 * i));
        }
        return ByteString.copyFrom(out);
    }

    @Override
    public String toString() {
        return "InsecureSigner[" + self.toString(StandardCharsets.UTF_8) + "]";
    }
}
