package io.colony.node.net.libp2p;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise CipherState for ChaChaPoly: a 32-byte key and a 64-bit counter nonce (96-bit nonce =
 * 4 zero bytes || little-endian counter). Not thread safe.
 */
final class NoiseCipher {

    /** Poly1305 tag length. */
    static final int TAG = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[12];
    private long n;

    NoiseCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "ChaCha20");
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }

    /** Encrypts with associated data {@code ad}; returns ciphertext || tag. */
    byte[] encrypt(byte[] ad, byte[] plaintext, int offset, int length) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nextNonce());
            if (ad.length > 0) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(plaintext, offset, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Decrypts ciphertext || tag.
     *
     * @throws NoiseException if authentication fails
     */
    byte[] decrypt(byte[] ad, byte[] ciphertext, int offset, int length) throws NoiseException {
        if (length < TAG) {
            throw new NoiseException("ciphertext shorter than its tag");
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nextNonce());
            if (ad.length > 0) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(ciphertext, offset, length);
        } catch (AEADBadTagException e) {
            throw new NoiseException("decryption failed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private IvParameterSpec nextNonce() {
        if (n == -1L) {
            throw new IllegalStateException("noise nonce exhausted");
        }
        long v = n++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (v >>> (8 * i));
        }
        return new IvParameterSpec(nonce);
    }

    /** A failed Noise operation: the connection must be dropped. */
    static final class NoiseException extends Exception {
        NoiseException(String message) {
            super(message);
        }
    }
}
