package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.exec.Runner;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.sdk.ColonyClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One node with a no-op executor in a temporary dir: processes per second end to end (signed submit
 * over HTTP, claim, run, close, SUCCESS observed over HTTP) and submit-to-RUNNING latency. Used by
 * {@code colony bench local} and {@code colony bench all}.
 */
final class LocalBench {

    /**
     * What one run measured.
     *
     * @param processes     processes run
     * @param clients       submitting threads
     * @param capacity      executor slots
     * @param submitRate    processes submitted per second
     * @param endToEndRate  processes per second from the first submit until all were SUCCESS
     * @param seconds       time until all were SUCCESS
     * @param p50RunningMs  submit-to-RUNNING latency, median (claim time minus submit time, one clock)
     * @param p99RunningMs  the same, 99th percentile
     * @param cpu           CPU time per process, node and clients apart
     */
    record Result(int processes, int clients, int capacity, double submitRate, double endToEndRate, double seconds,
                  long p50RunningMs, long p99RunningMs, CpuPerProcess cpu) {
    }

    /**
     * Latency with one submission in flight at a time.
     *
     * @param samples processes submitted one after the other
     * @param p50Ms   time from just before the submit call until the executor started the process, median
     * @param p99Ms   the same, 99th percentile
     * @param maxMs   the same, maximum
     * @param cpu     CPU time per process, node and clients apart
     */
    record Latency(int samples, double p50Ms, double p99Ms, double maxMs, CpuPerProcess cpu) {
    }

    /**
     * CPU time per process in this JVM: the client's share is the CPU of the submitting threads and of
     * the HTTP client's own threads (by thread name); the node's is the rest of the process's CPU time.
     *
     * @param nodeMs   node CPU ms per process
     * @param clientMs client CPU ms per process
     */
    record CpuPerProcess(double nodeMs, double clientMs) {
    }

    private LocalBench() {
    }

    static Result run(int processes, int clients, int capacity, Consumer<String> progress) throws Exception {
        return run(processes, clients, capacity, false, progress);
    }

    /** When the no-op runner last started a process ({@link System#nanoTime()}); for the latency mode. */
    private static final AtomicLong LAST_START = new AtomicLong();
    /** The no-op runner, noting when it starts each run. */
    private static final Runner TIMED_NOOP = (req, sink) -> {
        LAST_START.set(System.nanoTime());
        return BenchSupport.NOOP_RUNNER.start(req, sink);
    };

    /**
     * One node, one submission in flight: {@code samples} times, submit a no-op process over HTTP and wait
     * until the executor starts it; the time is taken from just before the submit call to the runner's
     * start, on one clock (this JVM's {@link System#nanoTime()}), as Celery's figure is measured.
     */
    static Latency latency(int samples, boolean tls, Consumer<String> progress) throws Exception {
        if (samples < 1) {
            throw new IllegalArgumentException("--processes must be >= 1");
        }
        Path dir = Files.createTempDirectory("colony-bench");
        DevColony dev = DevColony.prepare(dir);
        Node node = Node.start(config(dev, 1, tls));
        try {
            dev.admitMembers(node);
            ColonyClient client = client(dev, node, tls);
            FunctionSpec fs = BenchSupport.NOOP;
            for (int i = 0; i < Math.min(200, samples); i++) { // warm-up: connections, JIT
                awaitStart(client, fs);
            }
            progress.accept("1 node: " + samples + " processes one at a time (latency mode)");
            CpuMeter cpu = CpuMeter.start(Thread.currentThread());
            long[] lat = new long[samples];
            for (int i = 0; i < samples; i++) {
                lat[i] = awaitStart(client, fs);
            }
            return new Latency(samples, BenchSupport.percentileMs(lat, 50), BenchSupport.percentileMs(lat, 99),
                    BenchSupport.percentileMs(lat, 100), cpu.perProcess(samples));
        } finally {
            node.close();
            BenchSupport.deleteTree(dir);
        }
    }

    /** Submits one process and waits until the runner started it: nanoseconds from before the submit. */
    private static long awaitStart(ColonyClient client, FunctionSpec fs) {
        long t0 = System.nanoTime();
        client.submit(fs);
        long deadline = t0 + Duration.ofMinutes(1).toNanos();
        long started;
        while ((started = LAST_START.get()) - t0 < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a process did not start within a minute");
            }
            LockSupport.parkNanos(20_000);
        }
        return started - t0;
    }

    private static NodeConfig config(DevColony dev, int capacity, boolean tls) {
        NodeConfig config = dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("noop", "bench", capacity)
                .withTick(20).withRunner(TIMED_NOOP);
        return tls ? config.withApiSettings(config.apiSettings().withTls(true)) : config;
    }

    private static ColonyClient client(DevColony dev, Node node, boolean tls) {
        return tls
                ? ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user(),
                        io.colony.sdk.ClientTls.pinned(node.apiTlsFingerprint()))
                : ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user());
    }

    /** As {@link #run(int, int, int, Consumer)}; with {@code tls} the API serves HTTPS, the client pinning it. */
    static Result run(int processes, int clients, int capacity, boolean tls, Consumer<String> progress)
            throws Exception {
        if (processes < 1 || clients < 1 || capacity < 1) {
            throw new IllegalArgumentException("--processes, --clients and --capacity must be >= 1");
        }
        Path dir = Files.createTempDirectory("colony-bench");
        DevColony dev = DevColony.prepare(dir);
        Node node = Node.start(config(dev, capacity, tls));
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> new Thread(r, CpuMeter.CLIENT_THREAD));
        try {
            dev.admitMembers(node);
            ColonyClient client = client(dev, node, tls);
            FunctionSpec fs = BenchSupport.NOOP;
            client.submit(fs); // warm-up: colony id lookup, connections
            progress.accept("1 node: " + processes + " processes from " + clients + " clients, no-op executor x"
                    + capacity + (tls ? ", API over TLS" : ""));
            CpuMeter cpu = CpuMeter.start(Thread.currentThread());
            long t0 = System.nanoTime();
            List<Future<List<String>>> parts = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int share = processes / clients + (c < processes % clients ? 1 : 0);
                parts.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < share; i++) {
                        ids.add(client.submit(fs).id());
                    }
                    return ids;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<List<String>> f : parts) {
                ids.addAll(f.get());
            }
            long submitted = System.nanoTime();
            long[] toRunning = new long[ids.size()];
            int k = 0;
            for (String id : ids) {
                ProcessView p = client.waitFor(id, Duration.ofMinutes(5));
                if (p.state() != ProcessState.SUCCESS) {
                    throw new IllegalStateException("process " + id + " ended " + p.state());
                }
                toRunning[k++] = p.startedMs() - p.submittedMs();
            }
            long done = System.nanoTime();
            return new Result(processes, clients, capacity, processes / ((submitted - t0) / 1e9),
                    processes / ((done - t0) / 1e9), (done - t0) / 1e9, BenchSupport.percentile(toRunning, 50),
                    BenchSupport.percentile(toRunning, 99), cpu.perProcess(processes));
        } finally {
            pool.shutdownNow();
            node.close();
            BenchSupport.deleteTree(dir);
        }
    }
}
