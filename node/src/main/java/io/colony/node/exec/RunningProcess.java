package io.colony.node.exec;

import java.util.concurrent.CompletableFuture;

/** A process started by a {@link CliRunner}. */
public interface RunningProcess {

    /** The operating-system pid of the started program (also its process group id). */
    long pid();

    /** Completes when the program and its output readers are done, never exceptionally. */
    CompletableFuture<ExecResult> result();

    /**
     * Kills the whole process tree (SIGTERM, SIGKILL after the grace period) and returns at once;
     * {@link #result()} then completes with {@link ExecResult.StopReason#STOPPED}. Idempotent.
     */
    void stop();
}
