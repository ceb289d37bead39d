package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.Node;
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
     */
    record Result(int processes, int clients, int capacity, double submitRate, double endToEndRate, double seconds,
                  long p50RunningMs, long p99RunningMs) {
    }

    private LocalBench() {
    }

    static Result run(int processes, int clients, int capacity, Consumer<String> progress) throws Exception {
        return run(processes, clients, capacity, false, progress);
    }

    /** As {@link #run(int, int, int, Consumer)}; with {@code tls} the API serves HTTPS, the client pinning it. */
    static Result run(int processes, int clients, int capacity, boolean tls, Consumer<String> progress)
            throws Exception {
        if (processes < 1 || clients < 1 || capacity < 1) {
            throw new IllegalArgumentException("--processes, --clients and --capacity must be >= 1");
        }
        Path dir = Files.createTempDirectory("colony-bench");
        DevColony dev = DevColony.prepare(dir);
        var config = dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("noop", "bench", capacity)
                .withTick(20).withRunner(BenchSupport.NOOP_RUNNER);
        Node node = Node.start(tls ? config.withApiSettings(config.apiSettings().withTls(true)) : config);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            dev.admitMembers(node);
            ColonyClient client = tls
                    ? ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user(),
                            io.colony.sdk.ClientTls.pinned(node.apiTlsFingerprint()))
                    : ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user());
            FunctionSpec fs = BenchSupport.NOOP;
            client.submit(fs); // warm-up: colony id lookup, connections
            progress.accept("1 node: " + processes + " processes from " + clients + " clients, no-op executor x"
                    + capacity + (tls ? ", API over TLS" : ""));
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
                    BenchSupport.percentile(toRunning, 99));
        } finally {
            pool.shutdownNow();
            node.close();
            BenchSupport.deleteTree(dir);
        }
    }
}
