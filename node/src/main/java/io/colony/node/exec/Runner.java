package io.colony.node.exec;

/** Starts runs of function specs; {@link CliRunner} is the operating-system implementation. */
@FunctionalInterface
public interface Runner {

    /** Starts a run; never throws for a run that cannot start (its result says so). */
    RunningProcess start(ExecRequest request, LogSink sink);
}
