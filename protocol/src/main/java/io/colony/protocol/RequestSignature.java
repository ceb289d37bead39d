package io.colony.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Signed HTTP API requests. Every request but {@code GET /api/v1/health} carries four headers:
 * {@value #KEY} (the member's public key, 64 hex), {@value #TIMESTAMP} (ms since the epoch, decimal),
 * {@value #NONCE} (16 random bytes, 32 hex) and {@value #SIGNATURE} (128 hex): the Ed25519 signature
 * of the UTF-8 bytes of
 *
 * <pre>
 * "colony-request-v1\n" + METHOD + "\n" + PATH_AND_QUERY + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + hex(sha256(body))
 * </pre>
 *
 * METHOD upper case, PATH_AND_QUERY exactly as in the request line, hex lower case; an empty body
 * hashes as the empty string. Thread-safe.
 */
public final class RequestSignature {

    /** Header: the signer's public key, 64 hex characters. */
    public static final String KEY = "Colony-Key";
    /** Header: milliseconds since the epoch, decimal. */
    public static final String TIMESTAMP = "Colony-Timestamp";
    /** Header: 16 random bytes, 32 hex characters. */
    public static final String NONCE = "Colony-Nonce";
    /** Header: the Ed25519 signature, 128 hex characters. */
    public static final String SIGNATURE = "Colony-Signature";
    /** First line of the signed text. */
    public static final String VERSION = "colony-request-v1";
    /** Bytes of a nonce. */
    public static final int NONCE_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_PREFIX = new byte[0];

    private RequestSignature() {
    }

    /** The exact text that is signed. */
    public static String canonical(String method, String pathAndQuery, long timestampMs, String nonceHex, byte[] body) {
        return VERSION + "\n" + method.toUpperCase(Locale.ROOT) + "\n" + pathAndQuery + "\n" + timestampMs + "\n"
                + nonceHex + "\n" + Hex.encode(sha256(body == null ? new byte[0] : body));
    }

    /** The signature (128 hex) of a request by {@code signer}. */
    public static String sign(Identity signer, String method, String pathAndQuery, long timestampMs, String nonceHex,
            byte[] body) {
        byte[] text = canonical(method, pathAndQuery, timestampMs, nonceHex, body).getBytes(StandardCharsets.UTF_8);
        return Hex.encode(signer.sign(NO_PREFIX, text));
    }

    /** True if {@code signature} is {@code publicKey}'s signature of the request. */
    public static boolean verify(byte[] publicKey, byte[] signature, String method, String pathAndQuery,
            long timestampMs, String nonceHex, byte[] body) {
        byte[] text = canonical(method, pathAndQuery, timestampMs, nonceHex, body).getBytes(StandardCharsets.UTF_8);
        return Signatures.verify(publicKey, NO_PREFIX, text, signature);
    }

    /** A fresh random nonce, 32 hex characters. */
    public static String newNonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return Hex.encode(n);
    }

    /**
     * The four headers (name to value, in order) that sign a request made now with a fresh nonce.
     *
     * @param pathAndQuery the path and query exactly as sent, e.g. {@code /api/v1/processes?limit=10}
     */
    public static Map<String, String> headers(Identity signer, String method, String pathAndQuery, byte[] body) {
        return headers(signer, method, pathAndQuery, body, System.currentTimeMillis(), newNonce());
    }

    /** The four headers for a given timestamp and nonce. */
    public static Map<String, String> headers(Identity signer, String method, String pathAndQuery, byte[] body,
            long timestampMs, String nonceHex) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(KEY, signer.memberId());
        h.put(TIMESTAMP, Long.toString(timestampMs));
        h.put(NONCE, nonceHex);
        h.put(SIGNATURE, sign(signer, method, pathAndQuery, timestampMs, nonceHex, body));
        return h;
    }

    static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
