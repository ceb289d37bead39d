package io.colony.node.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The double-run checker: what executors actually ran (in a simulation, or replayed from the nodes'
 * execution journals), one {@link Run} per started attempt, live from its start until it finished,
 * was stopped by the lease logic, or its node crashed. A process has a
 * <em>live lease</em> while one of its runs is live; two live runs of one process are a double
 * execution, reported to the listener the moment the second one starts.
 */
public final class ExecutionLog {

    /** One attempt run by one executor. */
    public static final class Run {
        final int node;
        final String processId;
        final int attempt;
        final long startMs;
        long endMs = -1;
        String endReason;

        Run(int node, String processId, int attempt, long startMs) {
            this.node = node;
            this.processId = processId;
            this.attempt = attempt;
            this.startMs = startMs;
        }

        /** The process this run belongs to. */
        public String processId() {
            return processId;
        }

        /** The attempt this run executes. */
        public int attempt() {
            return attempt;
        }

        /** The index of the node that runs it. */
        public int node() {
            return node;
        }

        /** When the run started. */
        public long startMs() {
            return startMs;
        }

        @Override
        public String toString() {
            return "n" + node + " attempt " + attempt + " of " + processId.substring(0, 12) + " from " + startMs
                    + (endMs < 0 ? " (live)" : " to " + endMs + " (" + endReason + ")");
        }
    }

    /** Told when a run starts while another run of the same process is live. */
    @FunctionalInterface
    public interface OverlapListener {
        void overlap(Run live, Run started);
    }

    private final Map<String, List<Run>> live = new HashMap<>();
    private final OverlapListener listener;
    private long started;
    private long finished;

    public ExecutionLog(OverlapListener listener) {
        this.listener = listener;
    }

    /** An executor started an attempt. */
    public Run start(int node, String processId, int attempt, long nowMs) {
        Run r = new Run(node, processId, attempt, nowMs);
        List<Run> runs = live.computeIfAbsent(processId, k -> new ArrayList<>(1));
        for (Run other : runs) {
            listener.overlap(other, r);
        }
        runs.add(r);
        started++;
        return r;
    }

    /** A run ended (finished, stopped or killed by a crash). */
    public void end(Run r, long nowMs, String reason) {
        if (r.endMs >= 0) {
            return;
        }
        r.endMs = nowMs;
        r.endReason = reason;
        List<Run> runs = live.get(r.processId);
        runs.remove(r);
        if (runs.isEmpty()) {
            live.remove(r.processId);
        }
        if (reason.equals("finished")) {
            finished++;
        }
    }

    /** Runs live now. */
    public int liveRuns() {
        return live.values().stream().mapToInt(List::size).sum();
    }

    /** Runs started so far. */
    public long started() {
        return started;
    }

    /** Runs that ran to completion. */
    public long finished() {
        return finished;
    }
}
