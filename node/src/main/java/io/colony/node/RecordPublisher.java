package io.colony.node;

import io.colony.protocol.pb.SignedRecord;
import java.util.List;

/**
 * Where a node sends the records it stored (its own and its clients'), for replication to the other
 * nodes of the colony. Called on the ledger loop: must not block.
 */
@FunctionalInterface
public interface RecordPublisher {

    /** Publishes nothing (a single-node colony). */
    RecordPublisher NONE = records -> { };

    /** Newly stored records, in the order they were applied. */
    void publish(List<SignedRecord> records);
}
