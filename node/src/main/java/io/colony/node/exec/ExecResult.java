package io.colony.node.exec;

import java.util.List;

/**
 * How a run ended.
 *
 * @param exitCode the exit status, or -1 when the program could not be started
 * @param output   stdout lines (bounded, see {@link ExecLimits})
 * @param errors   why the run failed, empty on success
 * @param stop     why the runtime stopped the process, or {@code null} if it ended by itself
 */
public record ExecResult(int exitCode, List<String> output, List<String> errors, StopReason stop) {

    public ExecResult {
        output = List.copyOf(output);
        errors = List.copyOf(errors);
    }

    /** Exit status 0 and not stopped by the runtime. */
    public boolean success() {
        return exitCode == 0 && stop == null;
    }

    /** Why the runtime killed a process. */
    public enum StopReason {
        /** {@code maxexectime} passed */
        TIMEOUT,
        /** the lease could not be renewed, the node shuts down, or the process was cancelled */
        STOPPED
    }
}
