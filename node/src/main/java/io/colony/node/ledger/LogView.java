package io.colony.node.ledger;

import java.util.List;

/**
 * Log lines of a process, oldest first, from the executors of their attempts.
 *
 * @param lines kept lines
 * @param droppedLines lines dropped because of the per-process caps
 */
public record LogView(List<String> lines, long droppedLines, List<io.colony.protocol.LogLine> entries) {

    /** Copies the lists. */
    public LogView {
        lines = List.copyOf(lines);
        entries = List.copyOf(entries);
    }

    /** Lines without times and streams. */
    public LogView(List<String> lines, long droppedLines) {
        this(lines, droppedLines, List.of());
    }
}
