package io.colony.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Log lines of a process, oldest first.
 *
 * @param lines        stdout/stderr lines of all attempts
 * @param droppedLines lines the node dropped because of its caps
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessLogs(List<String> lines, long droppedLines) {
}
