package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.RunningProcess;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony bench edge}: can a node with an executor hold many process records in a small heap?
 * Run it with the heap of the device, e.g. {@code java -Xmx64m -jar colony.jar bench edge}. Fills a
 * node's ledger with signed Submit records (streamed in batches through the node's verify-and-commit
 * path), prints heap used per 1,000 processes, then runs processes on its no-op executor, and restarts
 * the node to time the replay of the full ledger.
 */
@Command(name = "edge", description = {"Heap per 1,000 processes and a working executor with N processes in the ledger,",
        "start-up time with an empty and a full ledger. Run with the device's heap: java -Xmx64m -jar colony.jar bench edge"})
final class EdgeBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--processes", defaultValue = "100000", description = "Processes put in the ledger (default ${DEFAULT-VALUE}).")
    int processes;
    @Option(names = "--batch", defaultValue = "1000", description = "Records per commit (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--run", defaultValue = "200", description = "Processes then run on the no-op executor (default ${DEFAULT-VALUE}).")
    int run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("colony-edge");
        DevColony dev = DevColony.prepare(dir);
        RecordFactory user = new RecordFactory(dev.user(), dev.owner().publicKey());
        try {
            long t = System.nanoTime();
            Node node = start(dev);
            double emptyStartMs = (System.nanoTime() - t) / 1e6;
            dev.admitMembers(node);
            long before = usedHeapAfterGc();
            long ingestNanos = 0;
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
            long after = usedHeapAfterGc();
            long perThousand = (after - before) * 1000 / Math.max(1, processes);

            long runStart = System.nanoTime();
            List<byte[]> ids = new ArrayList<>();
            List<SignedRecord> work = new ArrayList<>();
            for (int i = 0; i < run; i++) {
                SignedRecord s = user.submit(System.currentTimeMillis(), FunctionSpec.of("noop", "true"));
                work.add(s);
                ids.add(Records.recordId(s));
            }
            node.applyRecords(work).get(1, TimeUnit.MINUTES);
            for (byte[] id : ids) {
                while (node.process(id).get().map(v -> v.state() != ProcessState.SUCCESS).orElse(true)) {
                    Thread.sleep(10);
                }
            }
            double runSeconds = (System.nanoTime() - runStart) / 1e9;
            long heapWithWork = usedHeapAfterGc();
            node.close();

            t = System.nanoTime();
            Node again = start(dev);
            double fullStartMs = (System.nanoTime() - t) / 1e6;
            long ledger = again.status().get().get("ledgerProcesses") instanceof Number n ? n.longValue() : -1;
            again.close();

            out.printf("max heap (-Xmx):                 %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
            out.printf("processes in the ledger:         %d (after restart: %d)%n", processes + run, ledger);
            out.printf("heap per 1,000 processes:        %d KiB (%d bytes per process)%n", perThousand >> 10,
                    perThousand / 1000);
            out.printf("heap used with all of them:      %.1f MiB%n", heapWithWork / 1048576.0);
            out.printf("ingest (verify+apply+commit):    %.0f records/s in batches of %d%n",
                    processes / (ingestNanos / 1e9), batch);
            out.printf("executor with the full ledger:   %d no-op processes to SUCCESS in %.2f s%n", run, runSeconds);
            out.printf("node start, empty ledger:        %.0f ms (Node.start, in this JVM)%n", emptyStartMs);
            out.printf("node start, full ledger:         %.0f ms (replays %d processes)%n", fullStartMs, ledger);
            return 0;
        } finally {
            BenchCommand.Local.deleteTree(dir);
        }
    }

    private static Node start(DevColony dev) {
        return Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("noop", "edge", 4).withTick(20)
                .withRunner((req, sink) -> RunningProcess.completed(new ExecResult(0, List.of("ok"), List.of(), null))));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
