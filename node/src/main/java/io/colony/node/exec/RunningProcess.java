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

    /** A run that is already over (e.g. it could not start, or a no-op runner). */
    static RunningProcess completed(ExecResult result) {
        CompletableFuture<ExecResult> done = CompletableFuture.completedFuture(result);
        return new RunningProcess() {
            @Override
            public long pid() {
                return -1;
            }

            @Override
            public CompletableFuture<ExecResult> result() {
                return done;
            }

            @Override
            public void stop() {
            }
        };
    }
}
