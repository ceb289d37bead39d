package io.colony.node.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.node.KeyFiles;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.cluster.ColonyNetwork;
import io.colony.node.exec.ExecPolicy;
import io.colony.node.lease.LeaseConfig;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.Ids;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process a node may not run is left to a node whose operator allows it, instead of failing. */
class AllowListAcrossNodesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private final Identity owner = Identity.generate();
    private final RecordFactory ownerRecords = new RecordFactory(owner, owner.publicKey());
    private final Identity user = Identity.generate();
    private final RecordFactory userRecords = new RecordFactory(user, owner.publicKey());
    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        nodes.forEach(Node::close);
    }

    private Node start(String name, ExecPolicy policy, List<String> bootstrap) {
        Identity key = Identity.generate();
        Path dir = tmp.resolve(name);
        KeyFiles.write(dir.resolve("node.key"), key);
        SignedRecord admit = ownerRecords.admit(System.currentTimeMillis(), key.publicKey(), Role.NODE, name, 0);
        Node n = Node.start(NodeConfig.of(dir, owner.memberId()).withApi("127.0.0.1", -1)
                .withExecutor("cli", name, 2).withLease(LeaseConfig.of(3_000, 300)).withExecPolicy(policy)
                .withNetwork(ColonyNetwork.Settings.of("127.0.0.1", 0, bootstrap, admit)));
        nodes.add(n);
        return n;
    }

    @SuppressWarnings("unchecked")
    private static List<String> addresses(Node n) {
        return (List<String>) n.info().join().get("addresses");
    }

    private static Optional<ProcessView> get(Node n, String id) {
        return n.process(Ids.parseProcessId(id)).join();
    }

    @Test
    void catRunsOnTheNodeThatAllowsItNotOnTheOneThatAllowsOnlyEcho() throws Exception {
        Path file = Files.writeString(tmp.resolve("data.txt"), "shared data\n");
        Node echoOnly = start("echo-only", ExecPolicy.of(List.of("echo")), List.of());
        echoOnly.applyRecords(List.of(ownerRecords.admit(System.currentTimeMillis(), user.publicKey(), Role.USER,
                "u", 0))).join();
        Node cats = start("cats", ExecPolicy.of(List.of("cat " + tmp + "/*")), addresses(echoOnly));
        await().atMost(WAIT).until(() -> cats.isMember(user.publicKey()).join());
        ProcessView p = echoOnly.apply(Records.open(userRecords.submit(System.currentTimeMillis(),
                FunctionSpec.of("cli", "cat", file.toString()).withLimits(0, 0, 2)))).join();
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n ->
                get(n, p.id()).map(v -> v.state() == ProcessState.SUCCESS).orElse(false)));
        ProcessView done = get(echoOnly, p.id()).orElseThrow();
        assertEquals("cats", done.executorName());
        assertEquals(1, done.attempt(), "no attempt was burnt on the node that may not run it");
        assertEquals(List.of("shared data"), done.output());
    }
}
