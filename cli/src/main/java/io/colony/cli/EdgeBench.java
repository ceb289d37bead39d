package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.bench.LedgerBench;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony bench edge}: can a node with an executor hold many process records in a small heap?
 * Run it with the heap of the device, e.g. {@code java -Xmx64m -jar colony.jar bench edge}. Fills a
 * node's ledger with signed Submit records (streamed in batches through the node's verify-and-commit
 * path), prints heap used per 1,000 processes, then runs processes on its no-op executor, and restarts
 * the node to time the replay of the full ledger. The measuring code ({@link #measure}) serves
 * {@code colony bench all} too.
 */
@Command(name = "edge", description = {"Measure a node on a small device: heap, executor and start-up with a full ledger.",
        "Heap per 1,000 processes and a working executor with N processes in the ledger, start-up time with an empty and a full ledger. Run with the device's heap: java -Xmx64m -jar colony.jar bench edge"})
final class EdgeBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--processes", defaultValue = "100000", description = "Processes put in the ledger (default ${DEFAULT-VALUE}).")
    int processes;
    @Option(names = "--batch", defaultValue = "1000", description = "Records per commit (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--run", defaultValue = "200", description = "Processes then run on the no-op executor (default ${DEFAULT-VALUE}).")
    int run;

    /**
     * What one run measured.
     *
     * @param processes      processes put in the ledger (one Submit record each, WAITING)
     * @param run            processes then run on the executor
     * @param maxHeapMiB     the JVM's max heap
     * @param heapPer1000    heap bytes per 1,000 processes in the ledger
     * @param heapUsedMiB    heap used with all of them and the executor
     * @param ingestPerSecond records per second through the node's client path (verify on the caller, apply, commit)
     * @param batch          records per commit
     * @param runSeconds     time for the {@code run} processes to reach SUCCESS with the full ledger
     * @param emptyStartMs   Node.start with an empty ledger, in this JVM
     * @param fullStartMs    Node.start with the full ledger (replay)
     * @param afterRestart   processes the restarted node reports
     */
    record Result(int processes, int run, long maxHeapMiB, long heapPer1000, double heapUsedMiB, double ingestPerSecond,
                  int batch, double runSeconds, double emptyStartMs, double fullStartMs, long afterRestart) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Result r = measure(processes, batch, run, line -> {
            err.println("# " + line);
            err.flush();
        });
        out.printf("max heap (-Xmx):                 %d MiB%n", r.maxHeapMiB());
        out.printf("processes in the ledger:         %d (after restart: %d)%n", r.processes() + r.run(), r.afterRestart());
        out.printf("heap per 1,000 processes:        %d KiB (%d bytes per process)%n", r.heapPer1000() >> 10,
                r.heapPer1000() / 1000);
        out.printf("heap used with all of them:      %.1f MiB%n", r.heapUsedMiB());
        out.printf("ingest (verify+apply+commit):    %.0f records/s in batches of %d%n", r.ingestPerSecond(), r.batch());
        out.printf("executor with the full ledger:   %d no-op processes to SUCCESS in %.2f s%n", r.run(), r.runSeconds());
        out.printf("node start, empty ledger:        %.0f ms (Node.start, in this JVM)%n", r.emptyStartMs());
        out.printf("node start, full ledger:         %.0f ms (replays %d processes)%n", r.fullStartMs(), r.afterRestart());
        return 0;
    }

    /** Fills a node with {@code processes} WAITING processes, runs {@code run} more, restarts it. */
    static Result measure(int processes, int batch, int run, Consumer<String> progress) throws Exception {
        if (processes < 1 || batch < 1 || run < 0) {
            throw new IllegalArgumentException("--processes and --batch must be >= 1, --run >= 0");
        }
        Path dir = Files.createTempDirectory("colony-edge");
        DevColony dev = DevColony.prepare(dir);
        RecordFactory user = new RecordFactory(dev.user(), dev.owner().publicKey());
        try {
            long t = System.nanoTime();
            Node node = start(dev);
            double emptyStartMs = (System.nanoTime() - t) / 1e6;
            long heapPer1000;
            long ingestNanos = 0;
            double runSeconds;
            long heapWithWork;
            try {
                dev.admitMembers(node);
                long before = LedgerBench.usedHeap();
                progress.accept("edge: " + processes + " processes into a node's ledger, batches of " + batch);
                FunctionSpec idle = FunctionSpec.of("edge-idle", "true"); // no executor takes these: they stay WAITING
                for (int done = 0; done < processes; ) {
                    int n = Math.min(batch, processes - done);
                    List<SignedRecord> records = new ArrayList<>(n);
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < n; i++) {
                        records.add(user.submit(now, idle));
                    }
                    long t0 = System.nanoTime();
                    node.applyRecords(records).get(5, TimeUnit.MINUTES);
                    ingestNanos += System.nanoTime() - t0;
                    done += n;
                }
                long after = LedgerBench.usedHeap();
                heapPer1000 = (after - before) * 1000 / processes;

                progress.accept("edge: " + run + " processes on the executor with the full ledger");
                long runStart = System.nanoTime();
                List<byte[]> ids = new ArrayList<>();
                List<SignedRecord> work = new ArrayList<>();
                for (int i = 0; i < run; i++) {
                    SignedRecord s = user.submit(System.currentTimeMillis(), BenchSupport.NOOP);
                    work.add(s);
                    ids.add(Records.recordId(s));
                }
                if (!work.isEmpty()) {
                    node.applyRecords(work).get(1, TimeUnit.MINUTES);
                }
                for (byte[] id : ids) {
                    BenchSupport.waitUntil("a no-op process to succeed", Duration.ofMinutes(5),
                            () -> node.process(id).join().map(v -> v.state() == ProcessState.SUCCESS).orElse(false));
                }
                runSeconds = (System.nanoTime() - runStart) / 1e9;
                heapWithWork = LedgerBench.usedHeap();
            } finally {
                node.close();
            }

            progress.accept("edge: restart with the full ledger");
            t = System.nanoTime();
            Node again = start(dev);
            double fullStartMs = (System.nanoTime() - t) / 1e6;
            long ledger;
            try {
                ledger = again.status().get().get("ledgerProcesses") instanceof Number n ? n.longValue() : -1;
            } finally {
                again.close();
            }
            return new Result(processes, run, Runtime.getRuntime().maxMemory() >> 20, heapPer1000,
                    heapWithWork / 1048576.0, processes / (ingestNanos / 1e9), batch, runSeconds, emptyStartMs,
                    fullStartMs, ledger);
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    private static Node start(DevColony dev) {
        return Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("noop", "edge", 4).withTick(20)
                .withRunner(BenchSupport.NOOP_RUNNER));
    }
}
