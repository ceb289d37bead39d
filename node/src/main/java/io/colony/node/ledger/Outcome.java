package io.colony.node.ledger;

/**
 * What the ledger did with one incoming record.
 *
 * @param recordId record id (hex)
 * @param status what happened
 * @param reason why it was held or refused ("" when accepted)
 */
public record Outcome(String recordId, Status status, String reason) {

    /** Fate of an incoming record. */
    public enum Status {
        /** Stored and folded (it may still be a no-op for the state; see the process history). */
        ACCEPTED,
        /** Already stored. */
        DUPLICATE,
        /** Kept in memory (bounded, not durable) until its Submit or its signer's Admit arrives. */
        HELD,
        /** Not kept: foreign colony, bad signature, non-member, from the future, over a cap. */
        REFUSED
    }

    /** True for ACCEPTED and DUPLICATE: the record is durably part of this ledger. */
    public boolean stored() {
        return status == Status.ACCEPTED || status == Status.DUPLICATE;
    }
}
