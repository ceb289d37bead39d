package io.colony.node.ledger;

import io.colony.protocol.ProcessState;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The ledger's in-memory indexes over processes: counts per state, WAITING processes per executor type
 * in assignment order, and processes by the time a Fail becomes valid for them. A process must be
 * removed before its fold state changes and added back after, because the orders depend on that state.
 */
final class ProcessIndex {
    private static final Comparator<Proc> ASSIGNMENT_ORDER = Comparator.<Proc>comparingInt(p -> -p.priority)
            .thenComparingLong(p -> p.waitingSince).thenComparing(p -> p.id);

    private final long graceMs;
    private final long[] counts = new long[ProcessState.values().length];
    private final Map<String, TreeSet<Proc>> waiting = new HashMap<>();
    private final TreeSet<Proc> deadlines = new TreeSet<>(Comparator.<Proc>comparingLong(p -> p.deadline)
            .thenComparing(p -> p.id));

    ProcessIndex(long graceMs) {
        this.graceMs = graceMs;
    }

    void add(Proc p) {
        if (p.state == null) {
            return;
        }
        counts[p.state.ordinal()]++;
        if (p.state == ProcessState.WAITING) {
            waiting.computeIfAbsent(p.executorType, k -> new TreeSet<>(ASSIGNMENT_ORDER)).add(p);
        }
        p.deadline = deadlineOf(p);
        if (p.deadline != Long.MAX_VALUE) {
            deadlines.add(p);
        }
    }

    void remove(Proc p) {
        if (p.state == null) {
            return;
        }
        counts[p.state.ordinal()]--;
        if (p.state == ProcessState.WAITING) {
            TreeSet<Proc> set = waiting.get(p.executorType);
            set.remove(p);
            if (set.isEmpty()) {
                waiting.remove(p.executorType);
            }
        }
        if (p.deadline != Long.MAX_VALUE) {
            deadlines.remove(p);
            p.deadline = Long.MAX_VALUE;
        }
    }

    long count(ProcessState state) {
        return counts[state.ordinal()];
    }

    /** WAITING processes of an executor type, in assignment order. */
    NavigableSet<Proc> waiting(String executorType) {
        TreeSet<Proc> set = waiting.get(executorType);
        return set == null ? Collections.emptyNavigableSet() : set;
    }

    /** Processes with a timeout, earliest deadline first. */
    NavigableSet<Proc> byDeadline() {
        return deadlines;
    }

    /** When a Fail becomes valid for the process as it is now (Long.MAX_VALUE: never). */
    private long deadlineOf(Proc p) {
        if (p.state == ProcessState.WAITING) {
            return p.maxWaitMs > 0 ? p.waitingSince + p.maxWaitMs : Long.MAX_VALUE;
        }
        if (p.state == ProcessState.RUNNING) {
            long lease = p.leaseUntil + graceMs;
            return p.maxExecMs > 0 ? Math.min(lease, p.startedAt + p.maxExecMs + graceMs) : lease;
        }
        return Long.MAX_VALUE;
    }
}
