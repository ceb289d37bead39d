package io.colony.node.exec;

/** Receives the stdout/stderr lines of a running process, one at a time, from reader threads. */
@FunctionalInterface
public interface LogSink {

    /** A sink that drops everything. */
    LogSink NONE = (stream, line) -> { };

    /**
     * @param stream {@code "stdout"} or {@code "stderr"}
     * @param line   the line without its terminator, already length-bounded
     */
    void line(String stream, String line);
}
