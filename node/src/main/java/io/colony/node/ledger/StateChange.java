package io.colony.node.ledger;

import io.colony.protocol.Hex;
import io.colony.protocol.ProcessState;

/**
 * A process whose state or attempt changed.
 *
 * @param processId the process
 * @param from state before (null if the process is new)
 * @param to state after
 * @param attempt attempt after
 * @param executorId member id of the executor of that attempt (null if never claimed)
 */
public record StateChange(byte[] processId, ProcessState from, ProcessState to, int attempt, String executorId) {

    /** The process id as hex. */
    public String processIdText() {
        return Hex.encode(processId);
    }
}
