package io.colony.node.exec;

import java.time.Duration;

/**
 * Bounds applied to every run: what a child process prints is bounded before it reaches memory,
 * the ledger or the network.
 *
 * @param maxLineChars   longer lines are cut (the rest of the line is dropped)
 * @param maxOutputLines stdout lines kept as the process output; later lines are only logged
 * @param maxLogLines    log lines (stdout + stderr) forwarded per run; later lines are dropped
 * @param killGrace      time between SIGTERM and SIGKILL when a process tree is stopped
 */
public record ExecLimits(int maxLineChars, int maxOutputLines, int maxLogLines, Duration killGrace) {

    /** 4096 chars per line, 1000 output lines, 10000 log lines, 2 s grace. */
    public static final ExecLimits DEFAULT = new ExecLimits(4096, 1000, 10_000, Duration.ofSeconds(2));

    public ExecLimits {
        if (maxLineChars < 1 || maxOutputLines < 0 || maxLogLines < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
