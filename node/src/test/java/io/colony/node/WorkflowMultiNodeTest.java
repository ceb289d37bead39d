package io.colony.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.api.StateEvent;
import io.colony.node.exec.ExecRequest;
import io.colony.node.exec.ExecResult;
import io.colony.node.exec.LogSink;
import io.colony.node.exec.RunningProcess;
import io.colony.node.ledger.Resources;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Ids;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.WorkflowView;
import io.colony.protocol.pb.SignedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workflows, cancellation, subscriptions and resource conditions across several real nodes on the
 * in-memory network.
 * The runner is fake: a step whose first argument starts with {@code hold} runs (in its first attempt)
 * until it is stopped; any other step succeeds at once with its first argument and its input as output.
 */
class WorkflowMultiNodeTest {

    private static final Duration WAIT = InMemoryColony.WAIT;

    @RegisterExtension
    final InMemoryColony colony = new InMemoryColony();
    private final RecordFactory userRecords = colony.userRecords;
    private final List<Node> nodes = colony.nodes;
    private final io.colony.protocol.Identity user = colony.user;
    /** marker -> names of the nodes that started it, in order */
    private final Map<String, List<String>> starts = new ConcurrentHashMap<>();
    /** marker -> stop() calls */
    private final Map<String, List<String>> stops = new ConcurrentHashMap<>();

    private RunningProcess run(String node, ExecRequest req, LogSink sink) {
        String marker = req.args().get(0);
        starts.computeIfAbsent(marker, k -> new CopyOnWriteArrayList<>()).add(node);
        String in = req.env().getOrDefault("COLONY_IN", "[]");
        if (!marker.startsWith("hold") || !req.env().get("COLONY_ATTEMPT").equals("1")) {
            return RunningProcess.completed(new ExecResult(0, List.of(marker + "@" + node, in), List.of(), null));
        }
        sink.line("stdout", marker + " started on " + node);
        CompletableFuture<ExecResult> result = new CompletableFuture<>();
        return new RunningProcess() {
            @Override
            public long pid() {
                return -1;
            }

            @Override
            public CompletableFuture<ExecResult> result() {
                return result;
            }

            @Override
            public void stop() {
                stops.computeIfAbsent(marker, k -> new CopyOnWriteArrayList<>()).add(node);
                result.complete(new ExecResult(-1, List.of(), List.of("stopped"), ExecResult.StopReason.STOPPED));
            }
        };
    }

    private static Optional<ProcessView> get(Node n, String id) {
        return n.process(Ids.parseProcessId(id)).join();
    }

    private static Optional<WorkflowView> workflow(Node n, String id) {
        return n.workflow(Ids.parseProcessId(id)).join();
    }

    /** Nodes n0..n(size-1), types in turn; {@code tweaks[i]} applies to node i if given. */
    @SafeVarargs
    private List<Node> colony(int size, String[] executorTypes, UnaryOperator<NodeConfig>... tweaks) {
        return colony.colony(size, (i, c) -> {
            String name = "n" + i;
            NodeConfig cfg = c.withExecutor(executorTypes[i % executorTypes.length], name, 2)
                    .withRunner((req, sink) -> run(name, req, sink));
            return tweaks.length > i ? tweaks[i].apply(cfg) : cfg;
        });
    }

    private static FunctionSpec step(String name, String marker, int retries, String... deps) {
        return FunctionSpec.of("cli", "run", marker).withLimits(0, 0, retries).inWorkflow(name, List.of(deps));
    }

    @Test
    void aWorkflowCompletesWhenTheNodeRunningAStepIsKilledMidway() {
        colony(3, new String[] {"cli"});
        List<FunctionSpec> specs = List.of(step("a", "first", 0), step("b", "hold-b", 2, "a"),
                step("c", "last", 0, "b"));
        SignedRecord w = userRecords.workflow(System.currentTimeMillis(), specs);
        String wid = Records.open(w).idText();
        nodes.get(0).apply(Records.open(w)).join();

        await().atMost(WAIT).until(() -> starts.containsKey("hold-b"));
        String victimName = starts.get("hold-b").get(0);
        Node victim = nodes.stream().filter(n -> n.name().equals(victimName)).findFirst().orElseThrow();
        nodes.remove(victim);
        victim.crash();

        for (Node n : nodes) {
            await().atMost(WAIT).until(() -> workflow(n, wid).map(v -> v.state() == ProcessState.SUCCESS).orElse(false));
        }
        WorkflowView done = workflow(nodes.get(0), wid).orElseThrow();
        ProcessView b = done.process("b");
        assertEquals(2, b.attempt(), b.errors().toString());
        assertTrue(b.errors().get(0).contains("lease"), b.errors().toString());
        String secondRunner = starts.get("hold-b").get(1);
        assertTrue(!secondRunner.equals(victimName), "b re-ran elsewhere: " + starts.get("hold-b"));
        // the child got its parent's output as input
        assertEquals("[\"hold-b@" + secondRunner + "\",\"[\\\"first@" + starts.get("first").get(0) + "\\\",\\\"[]\\\"]\"]",
                done.process("c").output().get(1));
        assertEquals(1, starts.get("last").size());
    }

    private static List<ProcessView> ticks(Node n, String marker) {
        return n.list(null, 10_000).join().stream().filter(p -> p.spec().args().get(0).equals(marker)).toList();
    }

    @Test
    void aCronTicksOnceColonyWideWhileNodesDie() {
        colony(3, new String[] {"cli"});
        SignedRecord add = userRecords.cron(System.currentTimeMillis(), "every-second",
                List.of(FunctionSpec.of("cli", "run", "tick").withLimits(0, 0, 3)), "* * * * * *");
        String cronId = Records.open(add).idText();
        nodes.get(0).apply(Records.open(add)).join();
        await().atMost(WAIT).until(() -> ticks(nodes.get(2), "tick").size() >= 3);

        Node victim = nodes.get(0);
        nodes.remove(victim);
        victim.crash();
        int before = ticks(nodes.get(0), "tick").size();
        // the survivors go on submitting every tick
        await().atMost(WAIT).until(() -> ticks(nodes.get(1), "tick").size() >= before + 4);
        nodes.get(1).apply(Records.open(userRecords.removeTrigger(System.currentTimeMillis(), Ids.parseProcessId(cronId))))
                .join();

        for (Node n : nodes) {
            await().atMost(WAIT).until(() -> ticks(n, "tick").stream().allMatch(p -> p.state().isFinal()));
        }
        await().atMost(WAIT).until(() -> ticks(nodes.get(0), "tick").size() == ticks(nodes.get(1), "tick").size());
        List<ProcessView> all = ticks(nodes.get(0), "tick");
        List<Long> times = all.stream().map(ProcessView::submittedMs).sorted().toList();
        // one process per tick: distinct whole seconds, none missing between the first and the last
        assertEquals(times.size(), times.stream().distinct().count(), "a tick ran twice: " + times);
        assertTrue(times.stream().allMatch(t -> t % 1000 == 0), times.toString());
        assertEquals((times.get(times.size() - 1) - times.get(0)) / 1000 + 1, times.size(), "a tick is missing: " + times);
        assertTrue(all.stream().allMatch(p -> p.state() == ProcessState.SUCCESS), all.toString());
        // the cron's creator counts as the submitter everywhere, whichever node signed the tick
        assertTrue(all.stream().allMatch(p -> p.submitter().equals(user.memberId())), all.toString());
        var cron = nodes.get(0).trigger(Ids.parseProcessId(cronId)).join().orElseThrow();
        assertTrue(cron.removed() != null);
        assertEquals(all.size(), cron.runs());
    }

    @Test
    void aGeneratorPacksArgsIntoOneWorkflowAcrossNodes() {
        colony(3, new String[] {"cli"});
        SignedRecord add = userRecords.generator(System.currentTimeMillis(), "batcher",
                List.of(step("first", "gen-a", 0), step("second", "gen-b", 0, "first")), 3, 0);
        byte[] genId = Records.open(add).id();
        nodes.get(0).apply(Records.open(add)).join();
        for (Node n : nodes) {
            await().atMost(WAIT).until(() -> n.trigger(genId).join().isPresent());
        }
        // packs arrive at different nodes
        for (int i = 0; i < 7; i++) {
            nodes.get(i % 3).apply(Records.open(userRecords.pack(System.currentTimeMillis() + i, genId, "x" + i))).join();
        }
        for (Node n : nodes) {
            await().atMost(WAIT).until(() -> n.trigger(genId).join().orElseThrow().runs() == 2
                    && ticks(n, "gen-b").size() == 2 && ticks(n, "gen-b").stream().allMatch(p -> p.state().isFinal()));
        }
        var gen = nodes.get(1).trigger(genId).join().orElseThrow();
        assertEquals(1, gen.pending()); // the seventh waits for two more (no timeout)
        List<List<String>> args = ticks(nodes.get(1), "gen-a").stream().map(p -> p.spec().args()).sorted(
                java.util.Comparator.comparing(Object::toString)).toList();
        assertEquals(List.of(List.of("gen-a", "x0", "x1", "x2"), List.of("gen-a", "x3", "x4", "x5")), args);
        assertEquals(2, starts.get("gen-a").size());
        assertTrue(ticks(nodes.get(1), "gen-b").stream().allMatch(p -> p.state() == ProcessState.SUCCESS));
    }

    @Test
    void cancellingOnOneNodeStopsTheProcessRunningOnAnother() {
        colony(2, new String[] {"none", "cli"});
        FunctionSpec spec = FunctionSpec.of("cli", "run", "hold-cancel");
        SignedRecord s = userRecords.submit(System.currentTimeMillis(), spec);
        String id = Records.open(s).idText();
        Node entry = nodes.get(0);
        entry.apply(Records.open(s)).join();
        // RUNNING as soon as the claim folds; the program starts once the claim settled
        await().atMost(WAIT).until(() -> starts.containsKey("hold-cancel"));
        assertEquals(List.of("n1"), starts.get("hold-cancel"));
        await().atMost(WAIT).until(() -> get(entry, id).map(v -> v.state() == ProcessState.RUNNING).orElse(false));

        entry.apply(Records.open(userRecords.cancel(System.currentTimeMillis(), Ids.parseProcessId(id), "stop it")))
                .join();
        await().atMost(WAIT).until(() -> stops.containsKey("hold-cancel"));
        assertEquals(List.of("n1"), stops.get("hold-cancel"));
        for (Node n : nodes) {
            await().atMost(WAIT).until(() -> get(n, id).map(v -> v.state() == ProcessState.FAILED).orElse(false));
            assertTrue(get(n, id).orElseThrow().errors().contains("cancelled: stop it"));
        }
        // the stopped run's close is refused (the process already ended): one attempt, no retry
        assertEquals(1, get(nodes.get(1), id).orElseThrow().attempt());
    }

    @Test
    void logLinesOfARunningProcessAreReadableOnEveryNode() {
        colony(3, new String[] {"none", "cli", "none"});
        SignedRecord s = userRecords.submit(System.currentTimeMillis(), FunctionSpec.of("cli", "run", "hold-log"));
        String id = Records.open(s).idText();
        nodes.get(0).apply(Records.open(s)).join();
        for (Node n : nodes) {
            await().atMost(WAIT).until(() -> n.logs(Ids.parseProcessId(id)).join()
                    .map(l -> l.lines().equals(List.of("hold-log started on n1"))).orElse(false));
        }
        assertEquals(ProcessState.RUNNING, get(nodes.get(2), id).orElseThrow().state());
        nodes.get(2).apply(Records.open(userRecords.cancel(System.currentTimeMillis(), Ids.parseProcessId(id), "done")))
                .join();
        await().atMost(WAIT).until(() -> stops.containsKey("hold-log"));
    }

    @Test
    void aSubscriberOnOneNodeHearsOfStateChangesMadeOnAnother() {
        colony(2, new String[] {"none", "cli"});
        SignedRecord s = userRecords.submit(System.currentTimeMillis(), FunctionSpec.of("cli", "run", "watched"));
        String id = Records.open(s).idText();
        Node watcher = nodes.get(0);
        watcher.apply(Records.open(s)).join();
        List<StateEvent> events = new CopyOnWriteArrayList<>();
        AutoCloseable sub = watcher.subscribe(Ids.parseProcessId(id), events::addAll).join().orElseThrow();
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.state() == ProcessState.SUCCESS));
        List<ProcessState> states = events.stream().map(StateEvent::state).toList();
        assertEquals(ProcessState.SUCCESS, states.get(states.size() - 1), states.toString());
        assertTrue(states.indexOf(ProcessState.SUCCESS) > 0, "first the state at subscription: " + states);
        assertEquals("n1", nodes.get(1).name());
        assertTrue(events.get(events.size() - 1).executorId() != null);
        assertTrue(watcher.subscribe(new byte[32], e -> { }).join().isEmpty());
        try {
            sub.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onlyAnExecutorOfferingTheResourcesRunsAProcessThatRequiresThem() {
        colony(3, new String[] {"cli"},
                c -> c.withResources(Resources.parse("1", "1Gi", "0")),
                c -> c.withResources(Resources.parse("8", "2Gi", "0")),
                c -> c.withResources(Resources.parse("8", "32Gi", "1")));
        FunctionSpec big = SpecCodec.parse("{\"conditions\":{\"executortype\":\"cli\",\"cpu\":\"4\",\"memory\":\"16Gi\","
                + "\"gpu\":\"1\"},\"funcname\":\"run\",\"args\":[\"big\"]}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SignedRecord s = userRecords.submit(System.currentTimeMillis(), big);
            ids.add(Records.open(s).idText());
            nodes.get(i % 3).apply(Records.open(s)).join();
        }
        for (String id : ids) {
            await().atMost(WAIT).until(() -> get(nodes.get(0), id).map(v -> v.state() == ProcessState.SUCCESS)
                    .orElse(false));
            assertEquals("n2", get(nodes.get(0), id).orElseThrow().executorName());
        }
        assertEquals(List.of("n2", "n2", "n2", "n2"), starts.get("big"));
    }
}
