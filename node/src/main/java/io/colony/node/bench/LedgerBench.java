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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Ledger benchmark, measured in one run:
 * <ol>
 *   <li>raw Ed25519 verification rate of signed records on one core;</li>
 *   <li>ingest rate: verify (on the other cores, pipelined) + apply + durable commit per batch (the
 *       store's journal is synced at each commit, its MapDB index checkpointed);</li>
 *   <li>rebuild rate: a new ledger over the same store (what a restart replays);</li>
 *   <li>heap bytes per 1,000 processes held by the ledger (records stay in the store's files).</li>
 * </ol>
 * {@code colony bench ledger} and {@code colony bench all} call {@link #measure}; {@link #main} prints
 * the same for {@code java -cp ... io.colony.node.bench.LedgerBench [ingestProcesses] [heldProcesses]
 * [batchSize] [verifiers]}.
 */
public final class LedgerBench {
    private static final long T0 = 1_700_000_000_000L;
    /** Records each process of the ingest workload has: submit, claim, 2 renewals, a log, a close. */
    public static final int RECORDS_PER_PROCESS = 6;

    /**
     * What one run measured.
     *
     * @param records          records ingested (plus the executor's Admit)
     * @param processes        processes they describe
     * @param batchSize        records per commit
     * @param verifiers        verification threads
     * @param verifyPerSecond  raw verification rate on one core (mean of before and after the ingest)
     * @param ingestPerSecond  verify + apply + durable commit
     * @param ingestSeconds    time of the ingest
     * @param verifyWaitSeconds time the applying thread waited for verification
     * @param rebuildPerSecond records per second when a new ledger is built over the store
     * @param rebuildSeconds   time of that rebuild
     * @param heldProcesses    processes held for the heap figure (0: not measured)
     * @param heapPer1000      heap bytes per 1,000 held processes (-1: not measured)
     */
    public record Result(int records, int processes, int batchSize, int verifiers, double verifyPerSecond,
                         double ingestPerSecond, double ingestSeconds, double verifyWaitSeconds,
                         double rebuildPerSecond, double rebuildSeconds, int heldProcesses, long heapPer1000) {
        /** Ingest rate over raw verify rate. */
        public double ratio() {
            return ingestPerSecond / verifyPerSecond;
        }
    }

    private final Identity ownerId = Identity.generate();
    private final byte[] colony = ownerId.publicKey();
    private final RecordFactory owner = new RecordFactory(ownerId, colony);
    private final Identity exId = Identity.generate();
    private final RecordFactory ex = new RecordFactory(exId, colony);
    private final int batchSize;
    private final int verifiers;

    private LedgerBench(int batchSize, int verifiers) {
        this.batchSize = batchSize;
        this.verifiers = verifiers;
    }

    /** Verification threads by default: all cores but the one that applies. */
    public static int defaultVerifiers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Runs the benchmark.
     *
     * @param ingestProcesses processes ingested ({@value #RECORDS_PER_PROCESS} records each), >= 1
     * @param heldProcesses   processes held for the heap figure, 0 to skip it
     * @param batchSize       records per commit, >= 1
     * @param verifiers       verification threads, >= 1
     * @param progress        receives a line before each step
     */
    public static Result measure(int ingestProcesses, int heldProcesses, int batchSize, int verifiers,
                                 Consumer<String> progress) {
        if (ingestProcesses < 1 || heldProcesses < 0 || batchSize < 1 || verifiers < 1) {
            throw new IllegalArgumentException("ledger bench: processes, batch and verifiers must be >= 1");
        }
        try {
            return new LedgerBench(batchSize, verifiers).run(ingestProcesses, heldProcesses, progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("ledger bench interrupted");
        }
    }

    public static void main(String[] args) {
        int ingestProcesses = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int heldProcesses = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int verifiers = args.length > 3 ? Integer.parseInt(args[3]) : defaultVerifiers();
        System.out.printf("cores: %d, max heap: %d MiB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        Result r = measure(ingestProcesses, heldProcesses, batch, verifiers, System.err::println);
        System.out.printf("raw verify (1 core, mean of before and after the ingest): %,10.0f records/s%n",
                r.verifyPerSecond());
        System.out.printf("ingest (verify on %d thread(s) pipelined with apply+commit, batches of %d): %,10.0f records/s"
                + " = %.2f x raw verify%n", r.verifiers(), r.batchSize(), r.ingestPerSecond(), r.ratio());
        System.out.printf("ingested %,d records of %,d processes in %.2f s, %.2f s waiting for verification%n",
                r.records(), r.processes(), r.ingestSeconds(), r.verifyWaitSeconds());
        System.out.printf("rebuild from the store on open: %.2f s = %,.0f records/s%n", r.rebuildSeconds(),
                r.rebuildPerSecond());
        if (r.heldProcesses() > 0) {
            System.out.printf("heap: %,d processes (WAITING, claimable) = %,d bytes per 1,000 processes%n",
                    r.heldProcesses(), r.heapPer1000());
        }
    }

    private Result run(int ingestProcesses, int heldProcesses, Consumer<String> progress) throws InterruptedException {
        progress.accept("ledger: signing " + ingestProcesses * RECORDS_PER_PROCESS + " records");
        List<SignedRecord> records = lifecycle(ingestProcesses);
        progress.accept("ledger: warming up");
        ingest(lifecycle(Math.max(1, ingestProcesses / 5))); // JIT warm-up
        progress.accept("ledger: raw verify, then ingest of " + records.size() + " records in batches of " + batchSize);
        double verifyBefore = verifyRate(records);
        Ingest in = ingest(records);
        double verify = (verifyBefore + verifyRate(records)) / 2;
        long heap = -1;
        if (heldProcesses > 0) {
            progress.accept("ledger: heap with " + heldProcesses + " processes");
            heap = heapPer1000(heldProcesses);
        }
        return new Result(records.size(), ingestProcesses, batchSize, verifiers, verify, records.size() / in.seconds,
                in.seconds, in.waitSeconds, records.size() / in.rebuildSeconds, in.rebuildSeconds, heldProcesses, heap);
    }

    /** Submit, claim, 2 renewals, a log line and a close per process, in time order. */
    private List<SignedRecord> lifecycle(int processes) {
        List<SignedRecord> out = new ArrayList<>(processes * RECORDS_PER_PROCESS + 1);
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

    private record Ingest(double seconds, double waitSeconds, double rebuildSeconds) {
    }

    private Ingest ingest(List<SignedRecord> records) throws InterruptedException {
        Path dir = tempDir();
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
                List<DecodedRecord> verified = next.join();
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
            long r0 = System.nanoTime();
            Ledger rebuilt = new Ledger(colony, LedgerConfig.defaults(), store);
            double rs = (System.nanoTime() - r0) / 1e9;
            if (rebuilt.size() != ledger.size()) {
                throw new IllegalStateException("rebuilt ledger has " + rebuilt.size() + " of " + ledger.size()
                        + " processes");
            }
            return new Ingest(s, waitNs / 1e9, rs);
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

    private long heapPer1000(int processes) throws InterruptedException {
        Path dir = tempDir();
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
            if (ledger.size() != processes) {
                throw new IllegalStateException("lost processes");
            }
            return (after - before) * 1000 / processes;
        } finally {
            deleteTree(dir);
        }
    }

    /** Heap in use after a few full collections (the least of several readings). */
    public static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("colony-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
