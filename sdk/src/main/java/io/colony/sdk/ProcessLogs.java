package io.colony.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Log lines of a process, oldest first.
 *
 * @param lines        stdout/stderr lines of all attempts
 * @param droppedLines lines the node dropped because of its caps
 * @param entries      the same lines with their time, stream (stdout or stderr) and attempt (empty from
 *                     nodes that do not send them)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessLogs(List<String> lines, long droppedLines, List<io.colony.protocol.LogLine> entries) {

    /** Null lists become empty. */
    public ProcessLogs {
        lines = lines == null ? List.of() : List.copyOf(lines);
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /** Lines without times and streams. */
    public ProcessLogs(List<String> lines, long droppedLines) {
        this(lines, droppedLines, List.of());
    }
}
