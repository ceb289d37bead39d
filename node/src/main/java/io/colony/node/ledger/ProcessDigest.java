package io.colony.node.ledger;

/**
 * Anti-entropy summary of one process: how many records are stored for it and the XOR of the first
 * 16 bytes of their ids. Two nodes holding the same record set have equal digests; a difference
 * means one side should fetch the other's record ids ({@link Ledger#recordIds(byte[])}).
 *
 * @param processId the process (all zeros for the colony's membership records)
 * @param records number of stored records (log records included)
 * @param xorHigh XOR of bytes 0..7 of the record ids
 * @param xorLow XOR of bytes 8..15 of the record ids
 */
public record ProcessDigest(byte[] processId, int records, long xorHigh, long xorLow) {
}
