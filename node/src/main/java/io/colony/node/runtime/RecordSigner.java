package io.colony.node.runtime;

import io.colony.protocol.pb.Record;
import java.util.List;

/** Signs record bodies with the node key and applies them to the local ledger (on the ledger loop). */
@FunctionalInterface
public interface RecordSigner {

    /** Signs, applies and publishes the bodies in one ledger commit. */
    void signAndApply(List<Record> bodies);
}
