package io.colony.protocol;

/** A signed record that is malformed, oversized or wrongly signed. */
public final class InvalidRecordException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** @param rule what is wrong, e.g. {@code "bad signature"} */
    public InvalidRecordException(String rule) {
        super("record", rule);
    }
}
