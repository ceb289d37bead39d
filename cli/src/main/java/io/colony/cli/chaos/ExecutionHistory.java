package io.colony.cli.chaos;

import io.colony.node.runtime.ExecutionJournal;
import io.colony.node.runtime.ExecutionLog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the executors ran, merged from the execution journals of every node: one {@link Run} per
 * journaled start. A start without an end was cut short by the death of its node's JVM (the
 * watchdog kills the children with it), so it ends at that JVM's death time.
 */
final class ExecutionHistory {

    /** How a run ended. */
    enum Ending { SUCCESS, FAILED, KILLED }

    /**
     * One run of a process on an executor.
     *
     * @param processId the process
     * @param attempt   the attempt it ran as
     * @param node      the node that ran it
     * @param pid       that node's JVM pid
     * @param startMs   journaled start
     * @param endMs     journaled end, or the death time of the JVM
     * @param ending    how it ended
     */
    record Run(String processId, int attempt, String node, long pid, long startMs, long endMs, Ending ending) {

        @Override
        public String toString() {
            return node + " (pid " + pid + ") attempt " + attempt + " [" + startMs + ", " + endMs + "] "
                    + ending.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Two runs of one process that overlap in time. */
    record Overlap(Run first, Run second) {
    }

    /** A wait of a process between the end of an unsuccessful run and its next start. */
    record Wait(String processId, long ms) {
        static final Wait NONE = new Wait(null, 0);
    }

    private final Map<String, List<Run>> byProcess;

    private ExecutionHistory(Map<String, List<Run>> byProcess) {
        this.byProcess = byProcess;
    }

    /**
     * Merges journals.
     *
     * @param journals  journal entries by node name
     * @param deathByPid when each node JVM died (killed or stopped), by pid; missing pids: {@code nowMs}
     * @param nowMs     end of unfinished runs of JVMs without a known death
     */
    static ExecutionHistory merge(Map<String, List<ExecutionJournal.Entry>> journals, Map<Long, Long> deathByPid,
            long nowMs) {
        Map<String, List<Run>> byProcess = new LinkedHashMap<>();
        for (Map.Entry<String, List<ExecutionJournal.Entry>> j : journals.entrySet()) {
            Map<String, ExecutionJournal.Entry> open = new LinkedHashMap<>();
            for (ExecutionJournal.Entry e : j.getValue()) {
                String key = e.executorPid() + "/" + e.processId() + "/" + e.attempt();
                if (e.kind() == ExecutionJournal.Kind.START) {
                    open.put(key, e);
                } else {
                    ExecutionJournal.Entry s = open.remove(key);
                    if (s != null) {
                        add(byProcess, new Run(s.processId(), s.attempt(), j.getKey(), s.executorPid(), s.timeMs(),
                                e.timeMs(), e.success() ? Ending.SUCCESS : Ending.FAILED));
                    }
                }
            }
            for (ExecutionJournal.Entry s : open.values()) {
                long death = deathByPid.getOrDefault(s.executorPid(), nowMs);
                add(byProcess, new Run(s.processId(), s.attempt(), j.getKey(), s.executorPid(), s.timeMs(),
                        Math.max(death, s.timeMs()), Ending.KILLED));
            }
        }
        byProcess.values().forEach(runs -> runs.sort(Comparator.comparingLong(Run::startMs)));
        return new ExecutionHistory(byProcess);
    }

    private static void add(Map<String, List<Run>> byProcess, Run r) {
        byProcess.computeIfAbsent(r.processId(), k -> new ArrayList<>()).add(r);
    }

    /** The runs of a process, by start time (empty if it never ran). */
    List<Run> runs(String processId) {
        return byProcess.getOrDefault(processId, List.of());
    }

    /** Number of runs in all. */
    int runCount() {
        return byProcess.values().stream().mapToInt(List::size).sum();
    }

    /** Number of runs cut short by the death of their node. */
    long killedRuns() {
        return byProcess.values().stream().flatMap(List::stream).filter(r -> r.ending() == Ending.KILLED).count();
    }

    /**
     * Pairs of runs of the same process whose intervals overlap or touch (no overlap at all is
     * allowed: a process runs on one executor at a time), found by replaying every start and end
     * through the {@link ExecutionLog}; at equal times starts come first, so touching runs count.
     */
    List<Overlap> overlaps() {
        List<Overlap> out = new ArrayList<>();
        Map<ExecutionLog.Run, Run> origin = new IdentityHashMap<>();
        ExecutionLog log = new ExecutionLog((live, started) -> out.add(new Overlap(origin.get(live),
                origin.get(started))));
        List<Run> all = byProcess.values().stream().flatMap(List::stream).toList();
        List<String> nodes = all.stream().map(Run::node).distinct().toList();
        record Event(long timeMs, boolean end, Run run) {
        }
        List<Event> events = new ArrayList<>();
        for (Run r : all) {
            events.add(new Event(r.startMs(), false, r));
            events.add(new Event(Math.max(r.startMs(), r.endMs()), true, r));
        }
        events.sort(Comparator.comparingLong(Event::timeMs).thenComparing(Event::end));
        Map<Run, ExecutionLog.Run> replayed = new IdentityHashMap<>();
        for (Event e : events) {
            if (e.end()) {
                log.end(replayed.get(e.run()), e.timeMs(), e.run().ending().name());
            } else {
                ExecutionLog.Run r = log.start(nodes.indexOf(e.run().node()), e.run().processId(),
                        e.run().attempt(), e.timeMs());
                origin.put(r, e.run());
                replayed.put(e.run(), r);
            }
        }
        return out;
    }

    /** Processes with more than one successful run (a success whose Close record was lost with its node). */
    long processesWithRepeatedSuccess() {
        return byProcess.values().stream()
                .filter(runs -> runs.stream().filter(r -> r.ending() == Ending.SUCCESS).count() > 1).count();
    }

    /** True if the process has a successful run in some journal. */
    boolean succeeded(String processId) {
        return runs(processId).stream().anyMatch(r -> r.ending() == Ending.SUCCESS);
    }

    /** The longest time a process waited between the end of an unsuccessful run and its next start. */
    Wait longestReassignmentWait() {
        Wait best = Wait.NONE;
        for (Map.Entry<String, List<Run>> e : byProcess.entrySet()) {
            List<Run> runs = e.getValue();
            for (int i = 0; i + 1 < runs.size(); i++) {
                if (runs.get(i).ending() == Ending.SUCCESS) {
                    continue;
                }
                long w = runs.get(i + 1).startMs() - runs.get(i).endMs();
                if (w > best.ms()) {
                    best = new Wait(e.getKey(), w);
                }
            }
        }
        return best;
    }
}
