package io.colony.node.net.libp2p;

import java.util.Arrays;
import java.util.Optional;

/**
 * A libp2p peer id: the multihash of a protobuf-encoded public key. Ed25519 keys (36 bytes
 * encoded) are inlined with the identity multihash, giving the familiar {@code 12D3KooW…} text.
 * Parses both the legacy base58btc form and the CIDv1 form ({@code bafz…}, codec libp2p-key).
 */
public final class PeerId {

    /** Multihash code of the identity "hash". */
    static final int IDENTITY = 0x00;
    /** Multihash code of sha2-256. */
    static final int SHA2_256 = 0x12;
    /** Multicodec of libp2p public keys inside a CID. */
    static final int LIBP2P_KEY = 0x72;
    /** Largest encoded key inlined with the identity multihash. */
    private static final int MAX_INLINE_KEY = 42;
    private static final byte[] ED25519_KEY_PREFIX = {0x08, 0x01, 0x12, 0x20};

    private final byte[] bytes;
    private final String text;

    private PeerId(byte[] bytes) {
        this.bytes = bytes;
        this.text = Base58.encode(bytes);
    }

    /** The peer id of a 32-byte Ed25519 public key. */
    public static PeerId fromEd25519PublicKey(byte[] publicKey) {
        return fromEncodedPublicKey(encodeEd25519PublicKey(publicKey));
    }

    /** The peer id of a protobuf-encoded libp2p {@code PublicKey}. */
    public static PeerId fromEncodedPublicKey(byte[] encodedKey) {
        if (encodedKey.length <= MAX_INLINE_KEY) {
            byte[] mh = new byte[2 + encodedKey.length];
            mh[0] = IDENTITY;
            mh[1] = (byte) encodedKey.length;
            System.arraycopy(encodedKey, 0, mh, 2, encodedKey.length);
            return new PeerId(mh);
        }
        byte[] digest = Crypto.sha256(encodedKey);
        byte[] mh = new byte[2 + digest.length];
        mh[0] = SHA2_256;
        mh[1] = (byte) digest.length;
        System.arraycopy(digest, 0, mh, 2, digest.length);
        return new PeerId(mh);
    }

    /** Protobuf {@code PublicKey{Type=Ed25519, Data=key}}, the form libp2p signs and hashes. */
    public static byte[] encodeEd25519PublicKey(byte[] publicKey) {
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + publicKey.length);
        }
        byte[] out = new byte[ED25519_KEY_PREFIX.length + 32];
        System.arraycopy(ED25519_KEY_PREFIX, 0, out, 0, ED25519_KEY_PREFIX.length);
        System.arraycopy(publicKey, 0, out, ED25519_KEY_PREFIX.length, 32);
        return out;
    }

    /**
     * Parses the binary form (a multihash).
     *
     * @throws IllegalArgumentException if it is not an identity or sha2-256 multihash
     */
    public static PeerId fromBytes(byte[] multihash) {
        Varint.Decoded code = Varint.decode(multihash, 0, multihash.length);
        if (code == null) {
            throw new IllegalArgumentException("empty peer id");
        }
        Varint.Decoded len = Varint.decode(multihash, code.length(), multihash.length);
        if (len == null || code.length() + len.length() + len.value() != multihash.length) {
            throw new IllegalArgumentException("malformed multihash in peer id");
        }
        if (code.value() == IDENTITY && len.value() > MAX_INLINE_KEY
                || code.value() == SHA2_256 && len.value() != 32
                || code.value() != IDENTITY && code.value() != SHA2_256) {
            throw new IllegalArgumentException("unsupported multihash in peer id");
        }
        return new PeerId(multihash.clone());
    }

    /**
     * Parses a text peer id: base58btc multihash ({@code 12D3KooW…}, {@code Qm…}) or a CIDv1 with
     * codec libp2p-key in base32 ({@code b…}) or base58btc ({@code z…}).
     *
     * @throws IllegalArgumentException on anything else
     */
    public static PeerId parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 128) {
            throw new IllegalArgumentException("not a peer id: '" + text + "'");
        }
        try {
            if (text.startsWith("1") || text.startsWith("Qm")) {
                return fromBytes(Base58.decode(text));
            }
            byte[] cid = switch (text.charAt(0)) {
                case 'b', 'B' -> Base32.decode(text.substring(1));
                case 'z' -> Base58.decode(text.substring(1));
                default -> throw new IllegalArgumentException("unsupported multibase");
            };
            Varint.Decoded version = Varint.decode(cid, 0, cid.length);
            Varint.Decoded codec = version == null ? null : Varint.decode(cid, version.length(), cid.length);
            if (version == null || version.value() != 1 || codec == null || codec.value() != LIBP2P_KEY) {
                throw new IllegalArgumentException("not a libp2p-key CIDv1");
            }
            int offset = version.length() + codec.length();
            return fromBytes(Arrays.copyOfRange(cid, offset, cid.length));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a peer id: '" + text + "' (" + e.getMessage() + ")", e);
        }
    }

    /** The multihash bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The CIDv1 text form, multibase base32 ({@code bafz…}). */
    public String toCid() {
        byte[] cid = new byte[2 + bytes.length];
        cid[0] = 0x01;
        cid[1] = LIBP2P_KEY;
        System.arraycopy(bytes, 0, cid, 2, bytes.length);
        return "b" + Base32.encode(cid);
    }

    /** The 32-byte Ed25519 key inlined in this id, if it is one. */
    public Optional<byte[]> ed25519PublicKey() {
        if (bytes[0] == IDENTITY && bytes.length == 2 + ED25519_KEY_PREFIX.length + 32
                && Arrays.equals(bytes, 2, 2 + ED25519_KEY_PREFIX.length, ED25519_KEY_PREFIX, 0, ED25519_KEY_PREFIX.length)) {
            return Optional.of(Arrays.copyOfRange(bytes, 2 + ED25519_KEY_PREFIX.length, bytes.length));
        }
        return Optional.empty();
    }

    /** Whether this id belongs to the given protobuf-encoded public key. */
    public boolean matches(byte[] encodedPublicKey) {
        return equals(fromEncodedPublicKey(encodedPublicKey));
    }

    /** The base58btc text form. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
