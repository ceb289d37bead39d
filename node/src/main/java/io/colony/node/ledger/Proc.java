package io.colony.node.ledger;

import io.colony.node.ledger.Membership.Member;
import io.colony.protocol.ProcessState;

/**
 * Compact in-memory state of one process: the spec fields the rules need plus the fold state. About
 * 200 bytes; spec bodies, outputs and history stay in the store and are re-folded on demand.
 */
final class Proc {
    final IdKey id;
    // links set when the process is created (workflow members only)
    Proc[] deps;
    Proc[] dependents;

    // from the spec (set when the Submit is folded)
    String executorType;
    String[] executorNames;
    int maxRetries;
    int priority;
    long maxWaitMs;
    long maxExecMs;
    int cpuMillis;
    long memoryMb;
    int gpus;
    Member submitter;
    long submittedMs;

    // fold state
    ProcessState state; // null until the Submit is folded
    int attempt;
    int releases; // attempts handed back by their executor without using up a retry
    long waitingSince;
    long startedAt;
    long leaseUntil;
    long endedAt;
    Member executor;
    String executorName;
    long lastTs;
    boolean endedByExecutor; // the last attempt was ended by its own executor (Close or release)

    // bookkeeping
    long deadline = Long.MAX_VALUE; // key in the ledger's deadline index while indexed
    int records;
    int renewals;
    int logLines;
    long logBytes;
    long logFloorTs;
    long droppedLines;

    Proc(IdKey id) {
        this.id = id;
    }

    void resetFold() {
        state = null;
        attempt = 0;
        releases = 0;
        waitingSince = 0;
        startedAt = 0;
        leaseUntil = 0;
        endedAt = 0;
        executor = null;
        executorName = null;
        lastTs = 0;
        endedByExecutor = false;
    }

    boolean attemptsLeft() {
        return attempt < maxRetries + 1 + releases;
    }

    ProcessSummary summary() {
        return new ProcessSummary(id.bytes(), state, attempt, maxRetries, priority, executorType,
                executor == null ? null : executor.id, executorName, submittedMs, waitingSince, startedAt,
                state == ProcessState.RUNNING ? leaseUntil : 0, endedAt, maxExecMs, maxWaitMs);
    }
}
