package io.colony.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this JVM during a benchmark, split into the clients' share and the node's: the clients'
 * share is the CPU of the threads named {@link #CLIENT_THREAD}, of the thread that started the meter
 * (it waits for results over HTTP) and of any JDK HTTP client threads (named {@code HttpClient-...}; the
 * SDK's own transport runs on the calling threads); the node's share is the rest of the process's CPU time (API, ledger loop, executor, GC, JIT).
 */
final class CpuMeter {
    /** Name given to the benchmark's submitting threads. */
    static final String CLIENT_THREAD = "bench-client";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Thread caller;
    private final long processStart;
    private final long clientStart;

    private CpuMeter(Thread caller) {
        this.caller = caller;
        this.processStart = processCpuNanos();
        this.clientStart = clientCpuNanos();
    }

    /** Starts measuring; {@code caller} is the thread that submits or waits for results. */
    static CpuMeter start(Thread caller) {
        return new CpuMeter(caller);
    }

    /** CPU ms per process since the start, for {@code processes} processes. */
    LocalBench.CpuPerProcess perProcess(int processes) {
        long client = clientCpuNanos() - clientStart;
        long total = processCpuNanos() - processStart;
        return new LocalBench.CpuPerProcess(Math.max(0, total - client) / 1e6 / processes, client / 1e6 / processes);
    }

    private long clientCpuNanos() {
        long sum = 0;
        for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            String n = t.getName();
            if (t == caller || n.startsWith(CLIENT_THREAD) || n.startsWith("HttpClient-")) {
                long c = threads.getThreadCpuTime(t.getId());
                sum += Math.max(0, c);
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
