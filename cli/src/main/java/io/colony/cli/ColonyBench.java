package io.colony.cli;

import io.colony.node.KeyFiles;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.cluster.ColonyNetwork;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import io.colony.sdk.ColonyClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony bench colony}: several networked nodes in this JVM on loopback (libp2p, gossip,
 * anti-entropy, durable ledgers in a temporary dir) and three measurements: how long a new record
 * takes to reach every node, how many processes per second the colony runs with no-op executors, and
 * how long a node that missed many records takes to catch up after a restart. The measuring code is
 * {@link Colony}, which {@code colony bench all} uses too.
 */
@Command(name = "colony", description = {"Measure a colony of networked nodes in this JVM on loopback.",
        "Record propagation time to every node (p50/p99), processes per second with no-op executors, catch-up of a restarted node."})
final class ColonyBench implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofMinutes(10);
    /** Processes of a type nobody runs: they stay WAITING, each one is one record. */
    private static final FunctionSpec IDLE = FunctionSpec.of("nobody", "true");

    @Spec
    CommandSpec spec;
    @Option(names = "--nodes", defaultValue = "5", description = "Nodes (default ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--samples", defaultValue = "300", description = "Records timed for propagation (default ${DEFAULT-VALUE}).")
    int samples;
    @Option(names = "--processes", defaultValue = "2000", description = "Processes for the throughput run (default ${DEFAULT-VALUE}).")
    int processes;
    @Option(names = "--clients", defaultValue = "32", description = "Submitting threads, spread over the nodes (default ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--capacity", defaultValue = "256",
            description = "Executor slots per node; a claim holds its slot for the 1 s claim settle time (default ${DEFAULT-VALUE}).")
    int capacity;
    @Option(names = "--missed", defaultValue = "10000", description = "Records a stopped node misses (default ${DEFAULT-VALUE}).")
    int missed;

    @Override
    public Integer call() throws Exception {
        if (samples < 1 || processes < 1 || clients < 1 || missed < 1) {
            throw new IllegalArgumentException("--samples, --processes, --clients and --missed must be >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> progress = line -> {
            err.println("# " + line);
            err.flush();
        };
        try (Colony colony = Colony.start(nodes, capacity, progress)) {
            out.printf("colony: %d nodes on loopback, full mesh%n", nodes);
            out.flush();
            Propagation p = colony.propagation(samples, progress);
            out.printf("propagation (%d records, submit on one node until every other node stored it):%n", p.samples());
            out.printf("  to every node: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", p.allP50Ms(), p.allP99Ms(), p.allMaxMs());
            out.printf("  to one node:   p50 %.1f ms, p99 %.1f ms%n", p.oneP50Ms(), p.oneP99Ms());
            out.flush();
            Throughput t = colony.throughput(processes, clients, progress);
            out.printf("throughput (%d processes, %d clients, no-op executors x%d on every node):%n", processes, clients,
                    capacity);
            out.printf("  submit rate:     %.0f processes/s%n", t.submitRate());
            out.printf("  end-to-end rate: %.0f processes/s (%.2f s until all were SUCCESS)%n", t.endToEndRate(),
                    t.seconds());
            out.printf("  runs per node:   %s%n", t.runsPerNode());
            out.flush();
            CatchUp c = colony.catchUp(missed, progress);
            out.printf("catch-up (a node restarted after missing %d records):%n", missed);
            out.printf("  %.2f s until it had them all (%.0f records/s; restart itself %.2f s)%n", c.seconds(),
                    c.recordsPerSecond(), c.restartSeconds());
            out.flush();
            return 0;
        }
    }

    /**
     * Record propagation, one record at a time from each node in turn.
     *
     * @param samples  records timed
     * @param allP50Ms time until every other node stored it, median
     * @param allP99Ms the same, 99th percentile
     * @param allMaxMs the same, maximum
     * @param oneP50Ms time until one other node stored it, median
     * @param oneP99Ms the same, 99th percentile
     */
    record Propagation(int samples, double allP50Ms, double allP99Ms, double allMaxMs, double oneP50Ms, double oneP99Ms) {
    }

    /**
     * Processes per second through the whole colony.
     *
     * @param processes    processes run
     * @param clients      submitting threads, spread over the nodes
     * @param submitRate   processes submitted per second
     * @param endToEndRate processes per second until all were SUCCESS
     * @param seconds      time until all were SUCCESS
     * @param runsPerNode  processes each node's executor ran
     */
    record Throughput(int processes, int clients, double submitRate, double endToEndRate, double seconds,
                      Map<String, Integer> runsPerNode) {
    }

    /**
     * Catch-up of a node restarted after missing records.
     *
     * @param missed           records it missed
     * @param seconds          time from the restart until it had them all
     * @param recordsPerSecond records per second once it was started
     * @param restartSeconds   the restart itself
     */
    record CatchUp(int missed, double seconds, double recordsPerSecond, double restartSeconds) {
    }

    /** Networked nodes with no-op executors in this JVM, in a temporary dir deleted on close. */
    static final class Colony implements AutoCloseable {
        private final Identity owner = Identity.generate();
        private final Identity user = Identity.generate();
        private final RecordFactory userRecords = new RecordFactory(user, owner.publicKey());
        private final List<Node> nodes = new ArrayList<>();
        private final int size;
        private final Path dir;

        private Colony(int size, Path dir) {
            this.size = size;
            this.dir = dir;
        }

        /** Starts {@code size} nodes (each with a no-op executor of {@code capacity} slots) in a full mesh. */
        static Colony start(int size, int capacity, Consumer<String> progress) throws Exception {
            if (size < 2 || capacity < 1) {
                throw new IllegalArgumentException("--nodes must be >= 2, --capacity >= 1");
            }
            Colony c = new Colony(size, Files.createTempDirectory("colony-bench"));
            try {
                progress.accept("colony: starting " + size + " networked nodes on loopback");
                c.startNodes(capacity);
                return c;
            } catch (RuntimeException | Error e) {
                c.close();
                throw e;
            }
        }

        private void startNodes(int capacity) {
            RecordFactory ownerRecords = new RecordFactory(owner, owner.publicKey());
            for (int i = 0; i < size; i++) {
                Identity key = Identity.generate();
                Path d = dir.resolve("n" + i);
                KeyFiles.write(d.resolve("node.key"), key);
                SignedRecord admit = ownerRecords.admit(System.currentTimeMillis(), key.publicKey(), Role.NODE, "n" + i, 0);
                List<String> bootstrap = i == 0 ? List.of() : NodeRunner.addresses(nodes.get(0));
                Node n = Node.start(NodeConfig.of(d, owner.memberId()).withApi("127.0.0.1", 0)
                        .withExecutor("noop", "n" + i, capacity).withTick(20)
                        .withRunner(BenchSupport.NOOP_RUNNER)
                        .withNetwork(ColonyNetwork.Settings.of("127.0.0.1", 0, bootstrap, admit)));
                nodes.add(n);
                if (i == 0) {
                    n.applyRecords(List.of(ownerRecords.admit(System.currentTimeMillis(), user.publicKey(), Role.USER,
                            "bench", 0))).join();
                }
            }
            BenchSupport.waitUntil("full mesh", WAIT, () -> nodes.stream().allMatch(n -> peers(n) == size - 1));
            BenchSupport.waitUntil("user admitted everywhere", WAIT,
                    () -> nodes.stream().allMatch(n -> n.isMember(user.publicKey()).join()));
        }

        @SuppressWarnings("unchecked")
        private static int peers(Node n) {
            return ((List<Object>) n.info().join().get("peers")).size();
        }

        @SuppressWarnings("unchecked")
        private static long count(Node n) {
            return ((Map<String, Long>) n.info().join().get("processes")).values().stream().mapToLong(Long::longValue).sum();
        }

        /** One record at a time, from each node in turn: time until every other node has it. */
        Propagation propagation(int samples, Consumer<String> progress) {
            progress.accept("colony: propagation of " + samples + " records, one at a time");
            long[] toAll = new long[samples];
            long[] toOne = new long[samples * (size - 1)];
            int k = 0;
            for (int s = 0; s < samples; s++) {
                Node origin = nodes.get(s % size);
                SignedRecord r = userRecords.submit(System.currentTimeMillis(), IDLE);
                byte[] id = Records.decode(r).processId();
                List<Node> pending = new ArrayList<>(nodes);
                pending.remove(origin);
                long t0 = System.nanoTime();
                origin.apply(Records.open(r)).join();
                long deadline = t0 + WAIT.toNanos();
                while (!pending.isEmpty()) {
                    for (var it = pending.iterator(); it.hasNext(); ) {
                        if (it.next().process(id).join().isPresent()) {
                            it.remove();
                            toOne[k++] = System.nanoTime() - t0;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("a record did not reach every node in " + WAIT);
                    }
                    Thread.onSpinWait();
                }
                toAll[s] = System.nanoTime() - t0;
            }
            return new Propagation(samples, BenchSupport.percentileMs(toAll, 50), BenchSupport.percentileMs(toAll, 99),
                    BenchSupport.percentileMs(toAll, 100), BenchSupport.percentileMs(toOne, 50),
                    BenchSupport.percentileMs(toOne, 99));
        }

        /** Signed submits over HTTP to every node, no-op executors on every node, SUCCESS seen over HTTP. */
        Throughput throughput(int processes, int clients, Consumer<String> progress) throws Exception {
            List<ColonyClient> apis = nodes.stream().map(n -> ColonyClient.connect("127.0.0.1", n.apiPort(), user)).toList();
            apis.forEach(c -> c.submit(BenchSupport.NOOP)); // warm-up: colony id lookup, connections
            progress.accept("colony: " + processes + " processes from " + clients + " clients over " + size + " nodes");
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                long t0 = System.nanoTime();
                List<Future<List<String>>> parts = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    ColonyClient api = apis.get(c % apis.size());
                    int share = processes / clients + (c < processes % clients ? 1 : 0);
                    parts.add(pool.submit(() -> {
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < share; i++) {
                            ids.add(api.submit(BenchSupport.NOOP).id());
                        }
                        return ids;
                    }));
                }
                List<String> ids = new ArrayList<>();
                for (Future<List<String>> f : parts) {
                    ids.addAll(f.get());
                }
                long submitted = System.nanoTime();
                Map<String, Integer> byExecutor = new TreeMap<>();
                for (int i = 0; i < ids.size(); i++) {
                    ProcessView p = apis.get(i % apis.size()).waitFor(ids.get(i), WAIT);
                    if (p.state() != ProcessState.SUCCESS) {
                        throw new IllegalStateException("process " + p.id() + " ended " + p.state());
                    }
                    byExecutor.merge(p.executorName(), 1, Integer::sum);
                }
                long done = System.nanoTime();
                return new Throughput(processes, clients, processes / ((submitted - t0) / 1e9),
                        processes / ((done - t0) / 1e9), (done - t0) / 1e9, byExecutor);
            } finally {
                pool.shutdownNow();
            }
        }

        /** Stops the last node, adds records elsewhere, restarts it: time until it has them all. */
        CatchUp catchUp(int missed, Consumer<String> progress) {
            progress.accept("colony: catch-up of a node restarted after missing " + missed + " records");
            Node last = nodes.remove(nodes.size() - 1);
            NodeConfig config = last.config();
            last.close();
            Node first = nodes.get(0);
            long target = count(first) + missed;
            List<CompletableFuture<ProcessView>> acks = new ArrayList<>();
            for (int i = 0; i < missed; i++) {
                acks.add(first.apply(Records.open(userRecords.submit(System.currentTimeMillis(), IDLE))));
                if (acks.size() >= 512) {
                    acks.forEach(CompletableFuture::join);
                    acks.clear();
                }
            }
            acks.forEach(CompletableFuture::join);
            BenchSupport.waitUntil("the running nodes have every record", WAIT,
                    () -> nodes.stream().allMatch(n -> count(n) >= target));
            long t0 = System.nanoTime();
            Node back = Node.start(config);
            nodes.add(back);
            long started = System.nanoTime();
            BenchSupport.waitUntil("the restarted node caught up", WAIT, () -> count(back) >= target);
            long done = System.nanoTime();
            return new CatchUp(missed, (done - t0) / 1e9, missed / ((done - started) / 1e9), (started - t0) / 1e9);
        }

        @Override
        public void close() {
            nodes.forEach(Node::close);
            nodes.clear();
            BenchSupport.deleteTree(dir);
        }
    }
}
