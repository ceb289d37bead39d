package io.colony.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.exec.ExecRequest;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.RunningProcess;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several real nodes on the in-memory network: membership, replication, leases across nodes. */
class MultiNodeTest {

    private static final Duration WAIT = InMemoryColony.WAIT;

    @RegisterExtension
    final InMemoryColony colony = new InMemoryColony();
    private final RecordFactory userRecords = colony.userRecords;
    private final List<Node> nodes = colony.nodes;
    /** what each executor ran: args[0] marker -> number of starts, across all nodes */
    private final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();

    private Node start(String name, String executorType, List<String> bootstrap) {
        return colony.start(name, bootstrap, c -> c.withExecutor(executorType, name, 2).withRunner(this::run));
    }

    /** markers of runs that were stopped by the runtime */
    private final Map<String, Boolean> stopped = new ConcurrentHashMap<>();

    /**
     * A runner that records what it ran and succeeds with its args as output; a first arg starting
     * with "hang" runs until stopped.
     */
    private RunningProcess run(ExecRequest req, io.colony.node.exec.LogSink sink) {
        String marker = req.args().get(0);
        starts.computeIfAbsent(marker, k -> new AtomicInteger()).incrementAndGet();
        if (!marker.startsWith("hang")) {
            return RunningProcess.completed(new ExecResult(0, req.args(), List.of(), null));
        }
        java.util.concurrent.CompletableFuture<ExecResult> result = new java.util.concurrent.CompletableFuture<>();
        return new RunningProcess() {
            @Override
            public long pid() {
                return -1;
            }

            @Override
            public java.util.concurrent.CompletableFuture<ExecResult> result() {
                return result;
            }

            @Override
            public void stop() {
                stopped.put(marker, true);
                result.complete(new ExecResult(-1, List.of(), List.of("stopped"), ExecResult.StopReason.STOPPED));
            }
        };
    }

    private ProcessView submit(Node on, String executorType, String marker) {
        FunctionSpec spec = SpecCodec.parse("{\"conditions\":{\"executortype\":\"" + executorType
                + "\"},\"funcname\":\"echo\",\"args\":[\"" + marker + "\"]}");
        return on.apply(Records.open(userRecords.submit(System.currentTimeMillis(), spec))).join();
    }

    private static Optional<ProcessView> get(Node n, String id) {
        return InMemoryColony.process(n, id);
    }

    private List<Node> colony(int size, String... executorTypes) {
        return colony.colony(size, (i, c) -> c.withExecutor(executorTypes[i % executorTypes.length], "n" + i, 2)
                .withRunner(this::run));
    }

    @Test
    void specSubmittedOnOneNodeRunsOnAnotherAndEveryNodeSeesTheResult() {
        colony(3, "none", "gpu", "none");
        ProcessView p = submit(nodes.get(2), "gpu", "hello");
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n ->
                get(n, p.id()).map(v -> v.state() == ProcessState.SUCCESS).orElse(false)));
        for (Node n : nodes) {
            ProcessView v = get(n, p.id()).orElseThrow();
            assertEquals("n1", v.executorName());
            assertEquals(List.of("hello"), v.output());
        }
        assertEquals(1, starts.get("hello").get());
    }

    @Test
    void competingExecutorsRunEachProcessExactlyOnce() {
        colony(3, "cli");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(submit(nodes.get(i % 3), "cli", "p" + i).id());
        }
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> nodes.stream().allMatch(n ->
                get(n, id).map(v -> v.state() == ProcessState.SUCCESS).orElse(false))));
        for (int i = 0; i < 30; i++) {
            assertEquals(1, starts.get("p" + i).get(), "p" + i + " ran once");
        }
        // the work was shared
        long executors = ids.stream().map(id -> get(nodes.get(0), id).orElseThrow().executorName()).distinct().count();
        assertTrue(executors >= 2, "work spread over executors: " + executors);
        // every start was preceded by a claim check with both peers: 2 answers per process at least
        long answered = nodes.stream().mapToLong(n -> ((Number) n.status().join().get("claimChecksAnswered"))
                .longValue()).sum();
        assertTrue(answered >= 2L * ids.size(), "claim checks answered: " + answered);
    }

    @Test
    void nodeCutOffFromItsPeersStopsItsWorkAndClaimsNothingNew() {
        colony(2, "slow", "none");
        Node worker = nodes.get(0);
        ProcessView p = submit(worker, "slow", "hang-1");
        await().atMost(WAIT).until(() -> get(nodes.get(1), p.id()).map(v -> v.state() == ProcessState.RUNNING)
                .orElse(false));
        Node other = nodes.remove(1);
        other.close();
        // renewals reach nobody: the process is stopped before its 3 s lease could expire elsewhere
        await().atMost(Duration.ofSeconds(10)).until(() -> stopped.containsKey("hang-1"));
        ProcessView q = submit(worker, "slow", "hang-2");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !starts.containsKey("hang-2"));
        assertEquals(ProcessState.WAITING, get(worker, q.id()).orElseThrow().state());
    }

    @Test
    void restartedNodeCatchesUpAndNewNodeGetsTheFullHistory() {
        colony(3, "cli");
        Node stopped = nodes.get(2);
        Path dir = stopped.config().dataDir();
        stopped.close();
        nodes.remove(stopped);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(submit(nodes.get(i % 2), "cli", "q" + i).id());
        }
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id ->
                get(nodes.get(0), id).map(v -> v.state() == ProcessState.SUCCESS).orElse(false)));
        // restart on the same data dir and key
        Node back = colony.restart(stopped.config());
        Node fresh = start("late", "none", InMemoryColony.addresses(nodes.get(0)));
        for (Node n : List.of(back, fresh)) {
            await().atMost(WAIT).until(() -> ids.stream().allMatch(id ->
                    get(n, id).map(v -> v.state() == ProcessState.SUCCESS).orElse(false)));
        }
        assertEquals(dir, back.config().dataDir());
    }
}
