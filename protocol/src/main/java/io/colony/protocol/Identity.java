package io.colony.protocol;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A member's Ed25519 key pair (BouncyCastle). Text form of the private key: 64 hex characters of the
 * 32-byte seed; the member id is the 64 hex characters of the public key. Immutable and thread-safe.
 */
public final class Identity {
    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;
    private final String memberId;

    private Identity(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
        this.memberId = Hex.encode(publicKey);
    }

    /** A fresh identity from the given randomness. */
    public static Identity generate(SecureRandom random) {
        return new Identity(new Ed25519PrivateKeyParameters(random));
    }

    /** A fresh identity from a new {@link SecureRandom}. */
    public static Identity generate() {
        return generate(new SecureRandom());
    }

    /** The identity of a 32-byte seed. */
    public static Identity fromSeed(byte[] seed) {
        if (seed == null || seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new InvalidInputException("private key", "must be 32 bytes");
        }
        return new Identity(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /**
     * Parses the text form (64 hex characters, surrounding whitespace ignored).
     *
     * @throws InvalidInputException naming {@code private key} if malformed
     */
    public static Identity parse(String privateKeyHex) {
        return fromSeed(Hex.decode(privateKeyHex == null ? null : privateKeyHex.trim(), 32, "private key"));
    }

    /** 64 hex characters of the seed. Secret. */
    public String privateKeyHex() {
        return Hex.encode(privateKey.getEncoded());
    }

    /** The 32-byte public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The member id: 64 hex characters of the public key. */
    public String memberId() {
        return memberId;
    }

    /** Ed25519 signature of {@code prefix || message}. */
    public byte[] sign(byte[] prefix, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(prefix, 0, prefix.length);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** True if {@code other} is the same public key. */
    public boolean is(byte[] other) {
        return Arrays.equals(publicKey, other);
    }

    @Override
    public String toString() {
        return "Identity[" + memberId + "]";
    }
}
