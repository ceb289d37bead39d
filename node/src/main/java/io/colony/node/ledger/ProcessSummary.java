package io.colony.node.ledger;

import io.colony.protocol.Hex;
import io.colony.protocol.ProcessState;

/**
 * The compact, in-memory state of a process (no spec body, no history): cheap to query.
 *
 * @param processId process id
 * @param state current state
 * @param attempt attempts claimed so far
 * @param maxRetries retries allowed after the first attempt
 * @param priority spec priority
 * @param executorType required executor type
 * @param executorId member id of the current/last attempt's executor (null before the first claim)
 * @param executorName name of that executor (null before the first claim)
 * @param submittedMs Submit timestamp
 * @param waitingSinceMs when it (last) became WAITING
 * @param startedMs timestamp of the current/last claim
 * @param leaseUntilMs lease end of the running attempt (0 unless RUNNING)
 * @param endedMs when it became final (0 if not final)
 * @param maxExecMs maxexectime in ms (0 = none)
 * @param maxWaitMs maxwaittime in ms (0 = forever)
 */
public record ProcessSummary(byte[] processId, ProcessState state, int attempt, int maxRetries, int priority,
                             String executorType, String executorId, String executorName, long submittedMs,
                             long waitingSinceMs, long startedMs, long leaseUntilMs, long endedMs, long maxExecMs,
                             long maxWaitMs) {

    /** The process id as hex. */
    public String processIdText() {
        return Hex.encode(processId);
    }
}
