package io.colony.protocol;

/** The kinds of ledger record. */
public enum RecordKind {
    SUBMIT, SUBMIT_WORKFLOW, CLAIM, RENEW, CLOSE, FAIL, CANCEL, LOG, ADMIT, REVOKE;

    /** True for Admit and Revoke, which concern the colony rather than a process. */
    public boolean isMembership() {
        return this == ADMIT || this == REVOKE;
    }
}
