package io.colony.protocol;

/**
 * Bad input from a user or a peer: a malformed spec, key, id or record. The message is one readable
 * line meant to be shown as is; {@link #field()} names the offending field and {@link #rule()} the
 * rule it broke.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String rule;

    /**
     * @param field the offending field (JSON path style, e.g. {@code conditions.executortype})
     * @param rule the rule it broke, e.g. {@code "must be a string"}
     */
    public InvalidInputException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
        this.rule = rule;
    }

    /** The offending field. */
    public String field() {
        return field;
    }

    /** The rule the field broke. */
    public String rule() {
        return rule;
    }
}
