package io.colony.node.ledger;

/** Hex-prefix tests on {@link IdKey}s without encoding the whole id. */
final class IdKeys {

    private IdKeys() {
    }

    /** True if the lower-case hex form of {@code k} starts with {@code hexPrefix} (lower case, at most 64 chars). */
    static boolean startsWith(IdKey k, String hexPrefix) {
        long[] parts = {k.a(), k.b(), k.c(), k.d()};
        for (int i = 0; i < hexPrefix.length(); i++) {
            long part = parts[i / 16];
            int nibble = (int) (part >>> (60 - 4 * (i % 16))) & 0xf;
            if (Character.forDigit(nibble, 16) != hexPrefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
