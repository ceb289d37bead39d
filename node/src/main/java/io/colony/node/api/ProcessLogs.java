package io.colony.node.api;

import java.util.List;

/**
 * Log lines of a process (stdout and stderr of all its attempts), oldest first.
 *
 * @param lines        the kept lines
 * @param droppedLines lines dropped because of the per-process caps
 */
public record ProcessLogs(List<String> lines, long droppedLines, List<io.colony.protocol.LogLine> entries) {

    public ProcessLogs {
        lines = List.copyOf(lines);
        entries = List.copyOf(entries);
    }

    /** Lines without times and streams. */
    public ProcessLogs(List<String> lines, long droppedLines) {
        this(lines, droppedLines, List.of());
    }
}
