package io.colony.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One log line of a process with where it came from.
 *
 * @param line    the text
 * @param timeMs  when its executor sent it (the timestamp of its LogAppend record)
 * @param stream  {@code "stdout"} or {@code "stderr"} (records of executors that do not say are stdout)
 * @param attempt the attempt that printed it
 */
@JsonPropertyOrder({"line", "timeMs", "stream", "attempt"})
public record LogLine(String line, long timeMs, String stream, int attempt) {

    /** Stream of lines read from a process's standard output. */
    public static final String STDOUT = "stdout";
    /** Stream of lines read from a process's standard error. */
    public static final String STDERR = "stderr";
}
