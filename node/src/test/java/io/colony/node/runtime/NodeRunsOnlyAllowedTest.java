package io.colony.node.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.DevColony;
import io.colony.node.Node;
import io.colony.node.NodeConfig;
import io.colony.node.exec.ExecPolicy;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Ids;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user cannot make a node run what its operator did not allow (e.g. print the owner's key). */
class NodeRunsOnlyAllowedTest {

    @TempDir
    Path dir;
    private Node node;
    private DevColony dev;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private void start(ExecPolicy policy) {
        dev = DevColony.prepare(dir);
        NodeConfig base = NodeConfig.of(dir, dev.colonyId());
        if (policy != null) {
            base = base.withExecPolicy(policy);
        }
        node = Node.start(base.withApi("127.0.0.1", -1).withExecutor("cli", "n", 2).withTick(20));
        dev.admitMembers(node);
    }

    private ProcessView submit(FunctionSpec spec) {
        RecordFactory user = new RecordFactory(dev.user(), dev.owner().publicKey());
        return node.apply(Records.open(user.submit(System.currentTimeMillis(), spec))).join();
    }

    private ProcessView view(ProcessView p) {
        return node.process(Ids.parseProcessId(p.id())).join().orElseThrow();
    }

    private void assertStaysWaitingUnclaimed(ProcessView p) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> view(p).state() == ProcessState.WAITING && view(p).attempt() == 0);
        assertEquals(List.of(), view(p).output());
    }

    @Test
    void aNodeWithoutAllowListDoesNotRunCatOfTheOwnerKey() {
        start(null); // NodeConfig.of: what 'colony node start' without --allow gets
        ProcessView p = submit(FunctionSpec.of("cli", "cat", dir.resolve(DevColony.OWNER_KEY).toString()));
        assertStaysWaitingUnclaimed(p);
    }

    @Test
    void aNodeAllowingEchoRunsEchoAndLeavesCatForANodeThatAllowsIt() {
        start(ExecPolicy.of(List.of("echo")));
        ProcessView echo = submit(FunctionSpec.of("cli", "echo", "hello"));
        await().atMost(Duration.ofSeconds(30)).until(() -> view(echo).state() == ProcessState.SUCCESS);
        assertEquals(List.of("hello"), view(echo).output());
        ProcessView cat = submit(FunctionSpec.of("cli", "cat", dir.resolve(DevColony.OWNER_KEY).toString()));
        ProcessView shell = submit(new FunctionSpec(null, "cat " + dir.resolve(DevColony.OWNER_KEY), List.of(),
                null, null, io.colony.protocol.Conditions.of("cli"), 0, 0, 0, 0, null, true));
        assertStaysWaitingUnclaimed(cat);
        assertTrue(view(shell).state() == ProcessState.WAITING && view(shell).attempt() == 0);
    }
}
