package io.colony.cli;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.RunningProcess;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.sdk.ColonyClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code colony bench local}: end-to-end throughput of one node with a no-op executor. */
@Command(name = "bench", description = "Benchmarks.", subcommands = {BenchCommand.Local.class, ColonyBench.class, EdgeBench.class})
final class BenchCommand {

    private BenchCommand() {
    }

    @Command(name = "local", description = {"Processes per second through one node end to end:",
            "submit over HTTP (signed), claim, run (no-op), close, observed SUCCESS over HTTP."})
    static final class Local implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--processes", defaultValue = "2000", description = "Processes to run (default ${DEFAULT-VALUE}).")
        int processes;
        @Option(names = "--clients", defaultValue = "32", description = "Submitting threads (default ${DEFAULT-VALUE}).")
        int clients;
        @Option(names = "--capacity", defaultValue = "64", description = "Executor slots (default ${DEFAULT-VALUE}).")
        int capacity;

        @Override
        public Integer call() throws Exception {
            Path dir = Files.createTempDirectory("colony-bench");
            DevColony dev = DevColony.prepare(dir);
            Node node = Node.start(dev.nodeConfig().withApi("127.0.0.1", 0).withExecutor("noop", "bench", capacity)
                    .withTick(20)
                    .withRunner((req, sink) -> RunningProcess.completed(new ExecResult(0, List.of("ok"), List.of(), null))));
            PrintWriter out = spec.commandLine().getOut();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                dev.admitMembers(node);
                ColonyClient client = ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user());
                FunctionSpec fs = FunctionSpec.of("noop", "true");
                client.submit(fs); // warm-up: colony id lookup, connections
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
                java.util.Arrays.sort(toRunning);
                out.printf("processes: %d, clients: %d, capacity: %d%n", processes, clients, capacity);
                out.printf("submit rate:     %.0f processes/s%n", processes / ((submitted - t0) / 1e9));
                out.printf("end-to-end rate: %.0f processes/s (%.2f s for all to reach SUCCESS)%n",
                        processes / ((done - t0) / 1e9), (done - t0) / 1e9);
                out.printf("submit to RUNNING: p50 %d ms, p99 %d ms (claim time minus submit time, one clock)%n",
                        toRunning[toRunning.length / 2], toRunning[Math.min(toRunning.length - 1, toRunning.length * 99 / 100)]);
                return 0;
            } finally {
                pool.shutdownNow();
                node.close();
                deleteTree(dir);
            }
        }

        /** Deletes a directory tree (benchmark scratch dirs). */
        static void deleteTree(Path dir) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
