package io.colony.protocol;

/** Lowercase hexadecimal text for ids and keys. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Lowercase hex of the bytes. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Decodes exactly {@code expectedBytes} bytes of hex (either case).
     *
     * @param what names the value in the error, e.g. {@code "process id"}
     * @throws InvalidInputException if the text is not {@code 2 * expectedBytes} hex digits
     */
    public static byte[] decode(String text, int expectedBytes, String what) {
        String rule = "must be " + (2 * expectedBytes) + " hex characters";
        if (text == null || text.length() != 2 * expectedBytes) {
            throw new InvalidInputException(what, rule);
        }
        byte[] out = new byte[expectedBytes];
        for (int i = 0; i < expectedBytes; i++) {
            int hi = Character.digit(text.charAt(2 * i), 16);
            int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new InvalidInputException(what, rule);
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
