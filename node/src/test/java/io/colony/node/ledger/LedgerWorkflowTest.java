package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.protocol.ProcessState.FAILED;
import static io.colony.protocol.ProcessState.RUNNING;
import static io.colony.protocol.ProcessState.WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.Conditions;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.InvalidSpecException;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workflow rules beyond dependencies (failure propagation, cycles) and resource conditions. */
class LedgerWorkflowTest {
    private final TestColony c = new TestColony();
    private final RecordFactory user = c.user("user");
    private final RecordFactory ex1 = c.member("ex1");

    private static FunctionSpec step(String name, String... deps) {
        return FunctionSpec.of("cli", name).inWorkflow(name, List.of(deps));
    }

    @Test
    void aFailedParentFailsEveryDescendantButNotItsSiblings() {
        // a -> b -> c, and d independent
        SignedRecord w = user.workflow(T0 + 100, List.of(step("a"), step("b", "a"), step("c", "b"), step("d")));
        List<SignedRecord> records = new ArrayList<>(List.of(w));
        var ids = Records.open(w).processIds();
        records.add(ex1.claim(T0 + 200, ids.get(0), 1, "ex1", "cli", T0 + 10_000));
        records.add(ex1.close(T0 + 300, ids.get(0), 1, false, List.of(), List.of("boom")));
        records.forEach(c::apply);
        assertEquals(FAILED, c.view(ids.get(0)).state());
        assertEquals(FAILED, c.view(ids.get(1)).state());
        assertEquals(FAILED, c.view(ids.get(2)).state());
        assertEquals(WAITING, c.view(ids.get(3)).state());
        assertTrue(c.view(ids.get(2)).errors().get(0).startsWith("dependency "), c.view(ids.get(2)).errors().toString());
        assertEquals(T0 + 300, c.view(ids.get(2)).endedMs());
        assertEquals(1, c.ledger.claimable("cli", "ex1", c.now).size());
        assertEquals(3L, c.ledger.counts().get(FAILED));

        // any arrival order gives the same states
        for (int round = 0; round < 5; round++) {
            Collections.shuffle(records);
            TestColony other = new TestColony(c.ownerId, new MemoryRecordStore());
            c.store.membership().forEach(other::apply);
            records.forEach(other::apply);
            for (byte[] id : ids) {
                assertEquals(c.view(id).state(), other.view(id).state());
                assertEquals(c.view(id).endedMs(), other.view(id).endedMs());
            }
        }
    }

    @Test
    void aCancelledParentFailsItsChildAndARebuildKeepsIt() {
        SignedRecord w = user.workflow(T0 + 100, List.of(step("a"), step("b", "a")));
        var ids = Records.open(w).processIds();
        c.apply(w);
        c.apply(user.cancel(T0 + 200, ids.get(0), "not needed"));
        assertEquals(FAILED, c.view(ids.get(1)).state());
        Ledger rebuilt = new Ledger(c.colony, LedgerConfig.defaults(), c.store);
        assertEquals(FAILED, rebuilt.summary(ids.get(1)).orElseThrow().state());
    }

    @Test
    void workflowMembersAndDependenciesAreQueryable() {
        SignedRecord w = user.workflow(T0 + 100, List.of(step("a"), step("b"), step("c", "b", "a")));
        var d = Records.open(w);
        c.apply(w);
        assertEquals(3, c.ledger.workflowMembers(d.id()).orElseThrow().size());
        assertTrue(c.ledger.workflowMembers(d.processIds().get(0)).isEmpty());
        List<byte[]> deps = c.ledger.dependencies(d.processIds().get(2));
        assertEquals(2, deps.size());
        assertTrue(java.util.Arrays.equals(d.processIds().get(1), deps.get(0)));
    }

    @Test
    void cyclesAreRejectedUpFront() {
        List<FunctionSpec> cyclic = List.of(step("a", "c"), step("b", "a"), step("c", "b"), step("d"));
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecCodec.validateWorkflow(cyclic));
        assertTrue(e.getMessage().contains("cycle among a, b, c"), e.getMessage());
        assertThrows(InvalidSpecException.class, () -> user.workflow(T0, cyclic));
        assertThrows(InvalidSpecException.class, () -> SpecCodec.parseWorkflow(
                "{\"functionspecs\":[{\"nodename\":\"x\",\"funcname\":\"f\",\"conditions\":{\"executortype\":\"cli\","
                        + "\"dependencies\":[\"nope\"]}}]}"));
    }

    @Test
    void aClaimByAnExecutorLackingResourcesIsANoOp() {
        FunctionSpec big = new FunctionSpec(null, "train", List.of(), Map.of(), Map.of(),
                new Conditions("cli", List.of(), List.of(), "2", "1Gi", "1"), 0, 0, 0, 0, null, false);
        SignedRecord s = user.submit(T0 + 100, big);
        c.apply(s);
        byte[] p = Records.recordId(s);
        Resources small = Resources.parse("4", "8Gi", "0");
        Resources enough = Resources.parse("2000m", "1024Mi", "1");
        assertTrue(c.ledger.claimable("cli", "ex1", small, c.now, 10).isEmpty());
        assertEquals(1, c.ledger.claimable("cli", "ex1", enough, c.now, 10).size());

        c.apply(ex1.sign(Records.claim(c.colony, T0 + 200, p, 1, "ex1", "cli", T0 + 10_000, small.cpuMillis(),
                small.memoryMb(), small.gpus())));
        assertEquals(WAITING, c.view(p).state());
        String detail = c.view(p).history().get(1).detail();
        assertTrue(detail.contains("lacks the required"), detail);
        // a claim without resources (an old executor) is a no-op too
        c.apply(ex1.claim(T0 + 250, p, 1, "ex1", "cli", T0 + 10_000));
        assertEquals(WAITING, c.view(p).state());
        c.apply(ex1.sign(Records.claim(c.colony, T0 + 300, p, 1, "ex1", "cli", T0 + 10_000, enough.cpuMillis(),
                enough.memoryMb(), enough.gpus())));
        assertEquals(RUNNING, c.view(p).state());
    }

    @Test
    void processesWithoutRequirementsFitAnyExecutor() {
        SignedRecord s = user.submit(T0 + 100, FunctionSpec.of("cli", "echo"));
        c.apply(s);
        assertEquals(1, c.ledger.claimable("cli", "ex1", Resources.NONE, c.now, 10).size());
        c.apply(ex1.claim(T0 + 200, Records.recordId(s), 1, "ex1", "cli", T0 + 10_000));
        assertEquals(ProcessState.RUNNING, c.view(Records.recordId(s)).state());
    }
}
