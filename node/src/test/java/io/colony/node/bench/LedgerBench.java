package io.colony.node.bench;

import io.colony.node.ledger.ApplyResult;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MapDbRecordStore;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Ledger benchmark (a main class, not a test). Prints:
 * <ol>
 *   <li>raw Ed25519 verification rate of signed records on one core;</li>
 *   <li>ingest rate: verify (on all cores, pipelined) + apply + durable MapDB group commit per batch;</li>
 *   <li>heap bytes per 1,000 processes held by the ledger (store in a MapDB file, outside the heap).</li>
 * </ol>
 * Run: {@code java -cp <node test classpath> io.colony.node.bench.LedgerBench [ingestProcesses] [heldProcesses]
 * [batchSize]} (defaults 10,000, 100,000, 1,024).
 */
public final class LedgerBench {
    private static final long T0 = 1_700_000_000_000L;

    private final Identity ownerId = Identity.generate();
    private final byte[] colony = ownerId.publicKey();
    private final RecordFactory owner = new RecordFactory(ownerId, colony);
    private final Identity exId = Identity.generate();
    private int batchSize = 1024;
    /** Verification threads; the applying thread is the remaining core. */
    private int verifiers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    private final RecordFactory ex = new RecordFactory(exId, colony);

    private LedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int ingestProcesses = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int heldProcesses = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        LedgerBench bench = new LedgerBench();
        if (args.length > 2) {
            bench.batchSize = Integer.parseInt(args[2]);
        }
        if (args.length > 3) {
            bench.verifiers = Integer.parseInt(args[3]);
        }
        bench.run(ingestProcesses, heldProcesses);
    }

    private void run(int ingestProcesses, int heldProcesses) throws Exception {
        System.out.printf("cores: %d, max heap: %d MiB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        List<SignedRecord> records = lifecycle(ingestProcesses);
        ingestRate(lifecycle(Math.max(1, ingestProcesses / 5)), false); // JIT warm-up
        double verifyBefore = verifyRate(records);
        double ingest = ingestRate(records, true);
        double verify = (verifyBefore + verifyRate(records)) / 2;
        System.out.printf("raw verify (1 core, mean of before and after the ingest): %,10.0f records/s%n", verify);
        System.out.printf("ingest (verify on %d thread(s) pipelined with apply+commit, batches of %d): %,10.0f records/s"
                + " = %.2f x raw verify%n", verifiers, batchSize, ingest, ingest / verify);
        heapPerProcess(heldProcesses);
    }

    /** Submit, claim, 2 renewals, a log line and a close per process, in time order. */
    private List<SignedRecord> lifecycle(int processes) {
        List<SignedRecord> out = new ArrayList<>(processes * 6 + 1);
        out.add(owner.admit(T0 - 1, exId.publicKey(), Role.NODE, "ex", 0));
        FunctionSpec spec = FunctionSpec.of("cli", "echo", "hello");
        for (int i = 0; i < processes; i++) {
            long t = T0 + i * 10L;
            SignedRecord s = owner.submit(t, spec);
            byte[] p = Records.recordId(s);
            out.add(s);
            out.add(ex.claim(t + 1, p, 1, "ex", "cli", t + 10_001));
            out.add(ex.renew(t + 2, p, 1, t + 10_002));
            out.add(ex.renew(t + 3, p, 1, t + 10_003));
            out.add(ex.log(t + 4, p, 1, 0, List.of("hello")));
            out.add(ex.close(t + 5, p, 1, true, List.of("hello"), List.of()));
        }
        return out;
    }

    private static double verifyRate(List<SignedRecord> records) {
        int n = Math.min(records.size(), 20_000);
        for (int i = 0; i < Math.min(n, 5_000); i++) {
            Records.verify(records.get(i)); // warm-up
        }
        long t0 = System.nanoTime();
        int ok = 0;
        for (int i = 0; i < n; i++) {
            ok += Records.verify(records.get(i)) ? 1 : 0;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (ok != n) {
            throw new IllegalStateException("bad signatures in benchmark data");
        }
        return n / s;
    }

    private double ingestRate(List<SignedRecord> records, boolean print) throws Exception {
        Path dir = Files.createTempDirectory("colony-bench");
        ExecutorService pool = Executors.newFixedThreadPool(verifiers);
        try (MapDbRecordStore store = MapDbRecordStore.open(dir.resolve("ledger.db"))) {
            Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), store);
            long now = T0 + records.size() * 10L;
            List<List<SignedRecord>> batches = new ArrayList<>();
            for (int i = 0; i < records.size(); i += batchSize) {
                batches.add(records.subList(i, Math.min(records.size(), i + batchSize)));
            }
            long t0 = System.nanoTime();
            CompletableFuture<List<DecodedRecord>> next = verifyAsync(batches.get(0), pool, verifiers);
            long stored = 0;
            long waitNs = 0;
            for (int b = 0; b < batches.size(); b++) {
                long w = System.nanoTime();
                List<DecodedRecord> verified = next.get();
                waitNs += System.nanoTime() - w;
                if (b + 1 < batches.size()) {
                    next = verifyAsync(batches.get(b + 1), pool, verifiers);
                }
                ApplyResult r = ledger.applyVerified(verified, now);
                stored += r.outcomes().stream().filter(o -> o.stored()).count();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (stored != records.size()) {
                throw new IllegalStateException("only " + stored + " of " + records.size() + " stored");
            }
            if (print) {
                long r0 = System.nanoTime();
                Ledger rebuilt = new Ledger(colony, LedgerConfig.defaults(), store);
                double rs = (System.nanoTime() - r0) / 1e9;
                System.out.printf("rebuild from the store on open: %,d processes in %.2f s = %,.0f records/s%n",
                        rebuilt.size(), rs, store.count() / rs);
                System.out.printf("ingested %,d records of %,d processes in %.2f s, %.2f s waiting for verification (%s)%n",
                        records.size(), ledger.size(), s, waitNs / 1e9, ledger.counts());
            }
            return records.size() / s;
        } finally {
            pool.shutdownNow();
            deleteTree(dir);
        }
    }

    /** Verifies a batch split over the pool's threads. */
    private static CompletableFuture<List<DecodedRecord>> verifyAsync(List<SignedRecord> batch, ExecutorService pool,
                                                                      int parts) {
        int size = (batch.size() + parts - 1) / parts;
        List<CompletableFuture<List<DecodedRecord>>> futures = new ArrayList<>();
        for (int i = 0; i < batch.size(); i += size) {
            List<SignedRecord> part = batch.subList(i, Math.min(batch.size(), i + size));
            futures.add(CompletableFuture.supplyAsync(() -> part.stream().map(Records::open).toList(), pool));
        }
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<DecodedRecord> all = new ArrayList<>(batch.size());
            futures.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }

    private void heapPerProcess(int processes) throws Exception {
        Path dir = Files.createTempDirectory("colony-bench");
        try (MapDbRecordStore store = MapDbRecordStore.open(dir.resolve("held.db"))) {
            long before = usedHeap();
            Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), store);
            FunctionSpec spec = FunctionSpec.of("cli", "echo", "hello");
            List<DecodedRecord> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < processes; i++) {
                batch.add(Records.decode(owner.submit(T0 + i, spec)));
                if (batch.size() == batchSize || i == processes - 1) {
                    ledger.applyVerified(batch, T0 + processes);
                    batch = new ArrayList<>(batchSize);
                }
            }
            long after = usedHeap();
            System.out.printf("heap: %,d processes (WAITING, claimable) held in %.1f MiB = %,d bytes per 1,000 "
                            + "processes (store: %,d records in a MapDB file)%n", ledger.size(),
                    (after - before) / 1048576.0, (after - before) * 1000 / processes, store.count());
            if (ledger.size() != processes) {
                throw new IllegalStateException("lost processes");
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
