package io.colony.protocol;

/** A function spec (JSON or protobuf) that breaks a rule; see {@link SpecCodec}. */
public final class InvalidSpecException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * @param field the offending field, e.g. {@code maxretries}
     * @param rule the rule it broke, e.g. {@code "must be >= 0"}
     */
    public InvalidSpecException(String field, String rule) {
        super(field, rule);
    }
}
