package io.colony.cli.chaos;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What a chaos run found.
 *
 * @param settings          what was run
 * @param submitted         processes submitted
 * @param succeeded         processes SUCCESS on every node
 * @param failed            processes FAILED on every node
 * @param lost              processes missing on some node or not ended everywhere
 * @param doubleExecutions  overlapping runs of one process (from the executors' journals)
 * @param kills             SIGKILLs of node JVMs
 * @param runs              runs in the journals
 * @param killedRuns        runs cut short by a kill
 * @param repeatedSuccesses processes that ran successfully more than once (their Close died with the node)
 * @param completedPerSecond processes ended per second from the first submit to the end of the killing
 * @param longestWaitMs     longest time a process waited between the end of a cut-short run and its next start
 * @param longestWaitProcess the process that waited longest
 * @param convergenceMs     from the restart of the last killed node until every ledger had every process ended and
 *                          identical; -1 if that never happened
 * @param violations        one line per violated invariant (empty: the run passed)
 */
record ChaosReport(ChaosSettings settings, int submitted, int succeeded, int failed, int lost,
        int doubleExecutions, int kills, int runs, long killedRuns, long repeatedSuccesses, double completedPerSecond,
        long longestWaitMs, String longestWaitProcess, long convergenceMs, List<String> violations) {

    ChaosReport {
        violations = List.copyOf(violations);
    }

    /** True if no invariant was violated. */
    boolean passed() {
        return violations.isEmpty();
    }

    /** Prints the report, one fact per line. */
    void print(PrintWriter out) {
        ChaosSettings s = settings;
        out.printf(Locale.ROOT, "chaos run: %d nodes, %d processes, kill every %d ms for up to %d s, seed %d%n",
                s.nodes(), s.processes(), s.killEvery().toMillis(), s.duration().toSeconds(), s.seed());
        out.printf(Locale.ROOT, "processes:          %d submitted, %d succeeded, %d failed, %d lost%n",
                submitted, succeeded, failed, lost);
        out.printf(Locale.ROOT, "runs:               %d (%d cut short by kills, %d succeeded twice: run again after"
                + " a crash lost the record of the first run)%n", runs, killedRuns, repeatedSuccesses);
        out.printf(Locale.ROOT, "double executions:  %d%n", doubleExecutions);
        out.printf(Locale.ROOT, "kills:              %d%n", kills);
        out.printf(Locale.ROOT, "completed/s while killing: %.1f%n", completedPerSecond);
        out.printf(Locale.ROOT, "longest wait for re-assignment: %.1f s%s%n", longestWaitMs / 1000.0,
                longestWaitProcess == null ? "" : " (process " + longestWaitProcess + ")");
        out.println(convergenceMs < 0 ? "convergence:        never (ledgers differ)"
                : String.format(Locale.ROOT, "convergence:        %.1f s", convergenceMs / 1000.0));
        if (passed()) {
            out.println("result:             OK");
        } else {
            out.println("result:             " + violations.size() + " violation(s)");
            violations.forEach(v -> out.println("  violation: " + v));
        }
        out.flush();
    }
}
