package io.colony.cli;

import io.colony.node.KeyFiles;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.cluster.ColonyNetwork;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.RunningProcess;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code colony bench colony}: several networked nodes in this JVM on loopback (libp2p, gossip,
 * anti-entropy, durable ledgers in a temporary dir) and three measurements: how long a new record
 * takes to reach every node, how many processes per second the colony runs with no-op executors, and
 * how long a node that missed many records takes to catch up after a restart.
 */
@Command(name = "colony", description = {"A colony of networked nodes in this JVM on loopback: record propagation",
        "time to every node (p50/p99), processes per second with no-op executors, catch-up of a restarted node."})
final class ColonyBench implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final FunctionSpec NOOP = FunctionSpec.of("noop", "true");
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

    private final Identity owner = Identity.generate();
    private final Identity user = Identity.generate();
    private final RecordFactory userRecords = new RecordFactory(user, owner.publicKey());
    private final List<Node> colony = new ArrayList<>();
    private Path dir;

    @Override
    public Integer call() throws Exception {
        if (nodes < 2 || samples < 1 || processes < 1 || clients < 1 || capacity < 1 || missed < 1) {
            throw new IllegalArgumentException("--nodes must be >= 2, the other counts >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        dir = Files.createTempDirectory("colony-bench");
        try {
            startColony();
            out.printf("colony: %d nodes on loopback, full mesh%n", nodes);
            out.flush();
            propagation(out);
            throughput(out);
            catchUp(out);
            return 0;
        } finally {
            colony.forEach(Node::close);
            BenchCommand.Local.deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- colony

    private void startColony() {
        RecordFactory ownerRecords = new RecordFactory(owner, owner.publicKey());
        for (int i = 0; i < nodes; i++) {
            Identity key = Identity.generate();
            Path d = dir.resolve("n" + i);
            KeyFiles.write(d.resolve("node.key"), key);
            SignedRecord admit = ownerRecords.admit(System.currentTimeMillis(), key.publicKey(), Role.NODE, "n" + i, 0);
            List<String> bootstrap = i == 0 ? List.of() : NodeRunner.addresses(colony.get(0));
            Node n = Node.start(NodeConfig.of(d, owner.memberId()).withApi("127.0.0.1", 0)
                    .withExecutor("noop", "n" + i, capacity).withTick(20)
                    .withRunner((req, sink) -> RunningProcess.completed(new ExecResult(0, List.of("ok"), List.of(), null)))
                    .withNetwork(ColonyNetwork.Settings.of("127.0.0.1", 0, bootstrap, admit)));
            colony.add(n);
            if (i == 0) {
                n.applyRecords(List.of(ownerRecords.admit(System.currentTimeMillis(), user.publicKey(), Role.USER, "bench", 0)))
                        .join();
            }
        }
        waitUntil("full mesh", () -> colony.stream().allMatch(n -> peers(n) == nodes - 1));
        waitUntil("user admitted everywhere", () -> colony.stream().allMatch(n -> n.isMember(user.publicKey()).join()));
    }

    @SuppressWarnings("unchecked")
    private static int peers(Node n) {
        return ((List<Object>) n.info().join().get("peers")).size();
    }

    @SuppressWarnings("unchecked")
    private static long count(Node n) {
        return ((Map<String, Long>) n.info().join().get("processes")).values().stream().mapToLong(Long::longValue).sum();
    }

    // ---------------------------------------------------------------- measurements

    /** One record at a time, from each node in turn: time until every other node has it. */
    private void propagation(PrintWriter out) {
        long[] toAll = new long[samples];
        long[] toOne = new long[samples * (nodes - 1)];
        int k = 0;
        for (int s = 0; s < samples; s++) {
            Node origin = colony.get(s % nodes);
            SignedRecord r = userRecords.submit(System.currentTimeMillis(), IDLE);
            byte[] id = Records.decode(r).processId();
            List<Node> pending = new ArrayList<>(colony);
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
        out.printf("propagation (%d records, submit on one node until every other node stored it):%n", samples);
        out.printf("  to every node: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", pct(toAll, 50), pct(toAll, 99), pct(toAll, 100));
        out.printf("  to one node:   p50 %.1f ms, p99 %.1f ms%n", pct(toOne, 50), pct(toOne, 99));
        out.flush();
    }

    /** Signed submits over HTTP to every node, no-op executors on every node, SUCCESS seen over HTTP. */
    private void throughput(PrintWriter out) throws Exception {
        List<ColonyClient> apis = colony.stream().map(n -> ColonyClient.connect("127.0.0.1", n.apiPort(), user)).toList();
        apis.forEach(c -> c.submit(NOOP)); // warm-up: colony id lookup, connections
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
                        ids.add(api.submit(NOOP).id());
                    }
                    return ids;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<List<String>> f : parts) {
                ids.addAll(f.get());
            }
            long submitted = System.nanoTime();
            Map<String, Integer> byExecutor = new java.util.TreeMap<>();
            for (int i = 0; i < ids.size(); i++) {
                ProcessView p = apis.get(i % apis.size()).waitFor(ids.get(i), WAIT);
                if (p.state() != ProcessState.SUCCESS) {
                    throw new IllegalStateException("process " + p.id() + " ended " + p.state());
                }
                byExecutor.merge(p.executorName(), 1, Integer::sum);
            }
            long done = System.nanoTime();
            out.printf("throughput (%d processes, %d clients, no-op executors x%d on every node):%n", processes, clients,
                    capacity);
            out.printf("  submit rate:     %.0f processes/s%n", processes / ((submitted - t0) / 1e9));
            out.printf("  end-to-end rate: %.0f processes/s (%.2f s until all were SUCCESS)%n",
                    processes / ((done - t0) / 1e9), (done - t0) / 1e9);
            out.printf("  runs per node:   %s%n", byExecutor);
            out.flush();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Stops the last node, adds records elsewhere, restarts it: time until it has them all. */
    private void catchUp(PrintWriter out) {
        Node last = colony.remove(colony.size() - 1);
        NodeConfig config = last.config();
        last.close();
        Node first = colony.get(0);
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
        waitUntil("the running nodes have every record", () -> colony.stream().allMatch(n -> count(n) >= target));
        long t0 = System.nanoTime();
        Node back = Node.start(config);
        colony.add(back);
        long started = System.nanoTime();
        waitUntil("the restarted node caught up", () -> count(back) >= target);
        long done = System.nanoTime();
        out.printf("catch-up (a node restarted after missing %d records):%n", missed);
        out.printf("  %.2f s until it had them all (%.0f records/s; restart itself %.2f s)%n", (done - t0) / 1e9,
                missed / ((done - started) / 1e9), (started - t0) / 1e9);
        out.flush();
    }

    // ---------------------------------------------------------------- helpers

    private static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int i = Math.min(s.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * s.length) - 1));
        return s[i] / 1e6;
    }

    private static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting: " + what);
            }
        }
    }
}
