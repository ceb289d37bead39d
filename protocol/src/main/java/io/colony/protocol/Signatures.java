package io.colony.protocol;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 verification (BouncyCastle). Decoded public keys of recent signers are cached, since a
 * colony has few members and decoding a point costs about as much as a third of a verification.
 * Thread-safe.
 */
public final class Signatures {
    /** Ed25519 signature length. */
    public static final int SIGNATURE_BYTES = 64;
    private static final int CACHE_MAX = 4096;
    private static final Map<String, Ed25519PublicKeyParameters> KEYS = new ConcurrentHashMap<>();

    private Signatures() {
    }

    /** True iff {@code signature} is a valid Ed25519 signature by {@code publicKey} of {@code prefix || message}. */
    public static boolean verify(byte[] publicKey, byte[] prefix, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != Ids.ID_BYTES || signature == null
                || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        Ed25519PublicKeyParameters key;
        try {
            key = publicKeyOf(publicKey);
        } catch (IllegalArgumentException notAPoint) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(prefix, 0, prefix.length);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    private static Ed25519PublicKeyParameters publicKeyOf(byte[] publicKey) {
        String k = Hex.encode(publicKey);
        Ed25519PublicKeyParameters cached = KEYS.get(k);
        if (cached == null) {
            cached = new Ed25519PublicKeyParameters(publicKey, 0);
            if (KEYS.size() >= CACHE_MAX) {
                KEYS.clear();
            }
            KEYS.put(k, cached);
        }
        return cached;
    }
}
