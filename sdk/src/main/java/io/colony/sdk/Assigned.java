package io.colony.sdk;

import io.colony.protocol.ProcessView;

/**
 * A process claimed by an external executor through {@link ColonyClient#assign}.
 *
 * @param process      the process when it was offered
 * @param attempt      the attempt this executor holds (use it in renew/close/log)
 * @param leaseUntilMs when the lease ends unless renewed
 */
public record Assigned(ProcessView process, int attempt, long leaseUntilMs) {

    /** The process id. */
    public String id() {
        return process.id();
    }
}
