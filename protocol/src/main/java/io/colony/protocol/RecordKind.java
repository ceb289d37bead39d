package io.colony.protocol;

/** The kinds of ledger record. */
public enum RecordKind {
    SUBMIT, SUBMIT_WORKFLOW, CLAIM, RENEW, CLOSE, FAIL, CANCEL, LOG, ADMIT, REVOKE,
    CRON_ADD, GENERATOR_ADD, GENERATOR_PACK, TRIGGER_REMOVE;

    /** True for Admit and Revoke, which concern the colony rather than a process. */
    public boolean isMembership() {
        return this == ADMIT || this == REVOKE;
    }

    /** True for the records that define, feed or remove crons and generators. */
    public boolean isTrigger() {
        return this == CRON_ADD || this == GENERATOR_ADD || this == GENERATOR_PACK || this == TRIGGER_REMOVE;
    }
}
