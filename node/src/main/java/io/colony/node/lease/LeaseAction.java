package io.colony.node.lease;

import io.colony.protocol.Hex;
import io.colony.protocol.pb.Record;

/** What the lease logic asks the node to do. */
public sealed interface LeaseAction {

    /** The process concerned. */
    byte[] processId();

    /** The process id as hex. */
    default String processIdText() {
        return Hex.encode(processId());
    }

    /** Sign, apply locally and publish this Claim, Renew or Close body. */
    record Sign(byte[] processId, int attempt, Record body) implements LeaseAction {
    }

    /** The claim is settled: start running the process (attempt {@code attempt}). */
    record Start(byte[] processId, int attempt) implements LeaseAction {
    }

    /** Kill the running process now; do not close it (the lease will expire). */
    record Stop(byte[] processId, int attempt, String reason) implements LeaseAction {
    }
}
