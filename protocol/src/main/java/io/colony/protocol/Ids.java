package io.colony.protocol;

/**
 * Text forms of 32-byte ids: process ids, record ids and member ids (Ed25519 public keys) are
 * 64 lowercase hex characters.
 */
public final class Ids {
    /** Length in bytes of every id (SHA-256 digests, Ed25519 public keys). */
    public static final int ID_BYTES = 32;

    private Ids() {
    }

    /** 64 lowercase hex characters. */
    public static String text(byte[] id) {
        return Hex.encode(id);
    }

    /** Parses a process id; the error names {@code process id}. */
    public static byte[] parseProcessId(String text) {
        return Hex.decode(text == null ? null : text.trim(), ID_BYTES, "process id");
    }

    /** Parses a member id (a public key); the error names {@code member id}. */
    public static byte[] parseMemberId(String text) {
        return Hex.decode(text == null ? null : text.trim(), ID_BYTES, "member id");
    }
}
