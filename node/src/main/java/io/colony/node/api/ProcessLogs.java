package io.colony.node.api;

import java.util.List;

/**
 * Log lines of a process (stdout and stderr of all its attempts), oldest first.
 *
 * @param lines        the kept lines
 * @param droppedLines lines dropped because of the per-process caps
 */
public record ProcessLogs(List<String> lines, long droppedLines) {

    public ProcessLogs {
        lines = List.copyOf(lines);
    }
}
