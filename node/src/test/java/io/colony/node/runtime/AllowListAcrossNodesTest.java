package io.colony.node.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.node.InMemoryColony;
import io.colony.node.Node;
import io.colony.node.exec.ExecPolicy;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A process a node may not run is left to a node whose operator allows it, instead of failing. */
class AllowListAcrossNodesTest {

    @RegisterExtension
    final InMemoryColony colony = new InMemoryColony();

    private Node start(String name, ExecPolicy policy, List<String> bootstrap) {
        return colony.start(name, bootstrap, c -> c.withExecutor("cli", name, 2).withExecPolicy(policy));
    }

    @Test
    void catRunsOnTheNodeThatAllowsItNotOnTheOneThatAllowsOnlyEcho() throws Exception {
        Path file = colony.file("data.txt", "shared data\n");
        Node echoOnly = start("echo-only", ExecPolicy.of(List.of("echo")), List.of());
        echoOnly.applyRecords(List.of(colony.ownerRecords.admit(System.currentTimeMillis(), colony.user.publicKey(),
                Role.USER, "u", 0))).join();
        Node cats = start("cats", ExecPolicy.of(List.of("cat " + colony.dir() + "/*")), InMemoryColony.addresses(echoOnly));
        await().atMost(InMemoryColony.WAIT).until(() -> cats.isMember(colony.user.publicKey()).join());
        ProcessView p = echoOnly.apply(Records.open(colony.userRecords.submit(System.currentTimeMillis(),
                FunctionSpec.of("cli", "cat", file.toString()).withLimits(0, 0, 2)))).join();
        await().atMost(InMemoryColony.WAIT).until(() -> colony.nodes.stream().allMatch(n ->
                InMemoryColony.process(n, p.id()).map(v -> v.state() == ProcessState.SUCCESS).orElse(false)));
        ProcessView done = InMemoryColony.process(echoOnly, p.id()).orElseThrow();
        assertEquals("cats", done.executorName());
        assertEquals(1, done.attempt(), "no attempt was burnt on the node that may not run it");
        assertEquals(List.of("shared data"), done.output());
    }
}
