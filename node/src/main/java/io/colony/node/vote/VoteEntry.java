package io.colony.node.vote;

import io.colony.protocol.Ids;

/**
 * What a voter remembers of one process: the attempt it acknowledged a claim of, that claim's record
 * id (all zeros if it only acknowledged renewals of the attempt) and lease, and the latest lease end it
 * acknowledged for the attempt (claim or renewal). Treat the arrays as read-only.
 *
 * @param processId       the process
 * @param attempt         the attempt voted for
 * @param claimId         record id of the claim voted for (zeros: none)
 * @param claimLeaseUntil lease end of that claim
 * @param grantedUntil    latest lease end acknowledged for the attempt
 */
public record VoteEntry(byte[] processId, int attempt, byte[] claimId, long claimLeaseUntil, long grantedUntil) {
    /** Encoded size: 32 + 4 + 32 + 8 + 8 bytes. */
    static final int BYTES = Ids.ID_BYTES * 2 + 4 + 8 + 8;

    /** Checks the lengths. */
    public VoteEntry {
        if (processId.length != Ids.ID_BYTES || claimId.length != Ids.ID_BYTES) {
            throw new IllegalArgumentException("ids must be 32 bytes");
        }
    }
}
