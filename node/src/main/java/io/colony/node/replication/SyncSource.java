package io.colony.node.replication;

import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The ledger side of replication, as the {@link Replicator} sees it. Every method is called on the
 * replicator's owner executor (the node's ledger thread), never concurrently.
 */
public interface SyncSource {

    /** The digest of every record id this node stores, kept current by the owner. */
    SyncDigest digest();

    /** Whether a record is stored. */
    boolean contains(byte[] recordId);

    /** A stored record. */
    Optional<SignedRecord> record(byte[] recordId);

    /** Feeds every stored record id of a bucket (first id byte) to the sink, in any order. */
    void idsInBucket(int bucket, Consumer<byte[]> sink);

    /**
     * Verifies and applies records received from a peer, with one durable commit. Returns the ids
     * of the records that were refused (not stored and not held): they are not asked for again
     * for a while.
     */
    List<byte[]> ingest(List<SignedRecord> records, String fromPeer);

    /** The stored non-log records of a process (for claim checks); none by default. */
    default List<SignedRecord> processRecords(byte[] processId) {
        return List.of();
    }
}
