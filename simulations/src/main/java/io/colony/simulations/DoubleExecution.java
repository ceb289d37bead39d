package io.colony.simulations;

import io.colony.node.runtime.ExecutionLog;

/**
 * Two overlapping runs of one process, counted as a violation of the single-live-lease invariant,
 * with the cause the simulation derived from what it knew when the second run started.
 *
 * @param cause why the second run could start while the first one was live
 * @param explanation the cause in words, naming the attempts
 * @param live the run that was already live
 * @param started the run that started while it was
 */
public record DoubleExecution(Cause cause, String explanation, String live, String started) {

    /** Why two runs of one process overlapped. */
    public enum Cause {
        /** A partition was in effect within a lease length: each side re-assigned the process. */
        PARTITION,
        /** The live run's lease expired while its executor still ran it, and a later attempt started. */
        LEASE_EXPIRED,
        /** Two executors started the same attempt (competing claims both won locally). */
        COMPETING_CLAIMS
    }

    /** Derives the cause of an overlap of {@code started} with {@code live}. */
    static DoubleExecution of(ExecutionLog.Run live, ExecutionLog.Run started, boolean partitioned) {
        Cause cause = partitioned ? Cause.PARTITION
                : started.attempt() > live.attempt() ? Cause.LEASE_EXPIRED : Cause.COMPETING_CLAIMS;
        String why = switch (cause) {
            case PARTITION -> "partition: both sides re-assigned attempt " + started.attempt();
            case LEASE_EXPIRED -> "lease of attempt " + live.attempt() + " expired while the executor ran";
            case COMPETING_CLAIMS -> "competing claims: two executors started attempt " + started.attempt();
        };
        return new DoubleExecution(cause, why, live.toString(), started.toString());
    }

    /** One line: cause and the two runs. */
    public String detail() {
        return explanation + ": " + live + " and " + started;
    }
}
