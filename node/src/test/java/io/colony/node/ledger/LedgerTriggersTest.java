package io.colony.node.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.InvalidRecordException;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.TriggerRecords;
import io.colony.protocol.TriggerView;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Crons and generators in the ledger: deterministic submissions, removal rules, packs, rebuild. */
class LedgerTriggersTest {

    private final TestColony c = new TestColony();
    private final RecordFactory alice = c.user("alice");
    private final RecordFactory nodeA = c.member("node-a");
    private final RecordFactory nodeB = c.member("node-b");
    private final Identity nodeAKey = nodeA.identity();
    private final Identity nodeBKey = nodeB.identity();

    private static FunctionSpec echo(String arg) {
        FunctionSpec f = FunctionSpec.of("cli", "echo", arg);
        // an env map: its serialization must not depend on the order a node built it in
        return new FunctionSpec(null, f.funcname(), f.args(), Map.of(), Map.of("B", "2", "A", "1", "C", "3"),
                f.conditions(), 0, 0, 0, 0, null, false);
    }

    @Test
    void everyNodeSignsTheSameTickAndItRunsOnce() {
        long added = TestColony.T0 + 10_500;
        SignedRecord cron = alice.cron(added, "ticker", List.of(echo("t")), "*/10 * * * * *");
        assertEquals(Outcome.Status.ACCEPTED, c.status(cron));
        c.now = TestColony.T0 + 35_000;
        List<Ledger.DueSubmission> due = c.ledger.dueTriggers(c.now, 60_000);
        // ticks at +20 s and +30 s (the one at +10 s is before the cron was added)
        assertEquals(List.of(TestColony.T0 + 20_000, TestColony.T0 + 30_000), due.stream().map(Ledger.DueSubmission::dueMs)
                .toList());
        Ledger.DueSubmission first = due.get(0);
        SignedRecord byA = TriggerRecords.signDeterministic(nodeAKey, first.body());
        SignedRecord byB = TriggerRecords.signDeterministic(nodeBKey, first.body());
        assertArrayEquals(first.id(), Records.recordId(byA));
        assertArrayEquals(first.id(), Records.recordId(byB));
        assertEquals(Outcome.Status.ACCEPTED, c.status(byA));
        assertEquals(Outcome.Status.DUPLICATE, c.status(byB));
        // a ledger that holds the other node's copy shows the same process
        TestColony other = new TestColony(c.ownerId, new io.colony.node.store.MemoryRecordStore());
        c.store.forEach(r -> {
            if (!java.util.Arrays.equals(Records.recordId(r), first.id())) {
                other.apply(r);
            }
        });
        other.now = c.now;
        assertEquals(Outcome.Status.ACCEPTED, other.status(byB));
        assertEquals(c.view(first.id()), other.view(first.id()));
        // the cron's creator is the submitter, whoever signed: she may cancel it
        var p = c.view(first.id());
        assertEquals(alice.identity().memberId(), p.submitter());
        assertEquals(TestColony.T0 + 20_000, p.submittedMs());
        assertEquals(Outcome.Status.ACCEPTED, c.status(alice.cancel(c.now, first.id(), "not this one")));
        assertEquals(ProcessState.FAILED, c.view(first.id()).state());
        // only the second tick is still owed
        assertEquals(List.of(TestColony.T0 + 30_000), c.ledger.dueTriggers(c.now, 60_000).stream()
                .map(Ledger.DueSubmission::dueMs).toList());
        TriggerView v = c.ledger.trigger(Records.recordId(cron), c.now).orElseThrow();
        assertEquals(1, v.runs());
        assertEquals(TestColony.T0 + 40_000, v.next());
        // ticks older than the look-back are skipped
        assertEquals(List.of(), c.ledger.dueTriggers(c.now + 120_000, 1_000).stream()
                .filter(d -> d.dueMs() < c.now).toList());
    }

    @Test
    void onlyTheCreatorOrTheOwnerRemovesACronAndNoTickAfterItIsOwed() {
        SignedRecord cron = alice.cron(TestColony.T0, "ticker", List.of(echo("t")), "0 * * * * *");
        byte[] id = Records.recordId(cron);
        c.apply(cron);
        c.now = TestColony.T0 + 150_000;
        // a node's key may not remove triggers at all (roles): not kept
        assertEquals(Outcome.Status.HELD, c.status(nodeA.removeTrigger(TestColony.T0 + 1, id)));
        RecordFactory bob = c.user("bob");
        assertEquals(Outcome.Status.ACCEPTED, c.status(bob.removeTrigger(TestColony.T0 + 1, id))); // kept, no effect
        assertNull(c.ledger.trigger(id, c.now).orElseThrow().removed());
        assertEquals(Outcome.Status.ACCEPTED, c.status(alice.removeTrigger(TestColony.T0 + 90_000, id)));
        assertEquals(TestColony.T0 + 90_000, c.ledger.trigger(id, c.now).orElseThrow().removed());
        List<Long> due = c.ledger.dueTriggers(c.now, 600_000).stream().map(Ledger.DueSubmission::dueMs).toList();
        assertTrue(due.stream().allMatch(t -> t < TestColony.T0 + 90_000), due.toString());
        // whole minutes after T0 (T0 is 20 s past one) before the removal: T0 + 40 s only
        assertEquals(List.of(TestColony.T0 + 40_000), due);
    }

    @Test
    void generatorGroupsPacksInTimeOrderWhateverTheArrivalOrder() {
        SignedRecord gen = alice.generator(TestColony.T0, "g", List.of(echo("w")), 2, 30_000);
        byte[] gid = Records.recordId(gen);
        List<SignedRecord> packs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            packs.add(alice.pack(TestColony.T0 + 1_000 * (i + 1), gid, "p" + i));
        }
        List<SignedRecord> all = new ArrayList<>(packs);
        all.add(gen);
        Collections.shuffle(all, new Random(3));
        all.forEach(c::apply); // packs before their generator wait for it
        c.now = TestColony.T0 + 10_000;
        List<Ledger.DueSubmission> due = c.ledger.dueTriggers(c.now, 60_000);
        assertEquals(2, due.size());
        assertEquals(List.of("w", "p0", "p1"), due.get(0).body().getSubmit().getSpec().getArgsList());
        assertEquals(TestColony.T0 + 2_000, due.get(0).dueMs());
        assertEquals(List.of("w", "p2", "p3"), due.get(1).body().getSubmit().getSpec().getArgsList());
        due.forEach(d -> c.apply(TriggerRecords.signDeterministic(nodeAKey, d.body())));
        assertEquals(1, c.ledger.trigger(gid, c.now).orElseThrow().pending());
        assertEquals(List.of(), c.ledger.dueTriggers(c.now, 60_000));
        // the fifth pack goes alone once it waited the timeout
        c.now = TestColony.T0 + 35_000;
        due = c.ledger.dueTriggers(c.now, 60_000);
        assertEquals(1, due.size());
        assertEquals(TestColony.T0 + 5_000 + 30_000, due.get(0).dueMs());
        assertEquals(List.of("w", "p4"), due.get(0).body().getSubmit().getSpec().getArgsList());
        c.apply(TriggerRecords.signDeterministic(nodeBKey, due.get(0).body()));
        TriggerView v = c.ledger.trigger(gid, c.now).orElseThrow();
        assertEquals(0, v.pending());
        assertEquals(3, v.runs());
    }

    @Test
    void triggersSurviveARebuildFromTheStore() {
        MemoryRecordStore store = new MemoryRecordStore();
        TestColony one = new TestColony(Identity.generate(), store);
        RecordFactory bob = one.user("bob");
        SignedRecord gen = bob.generator(TestColony.T0, "g", List.of(echo("w")), 3, 0);
        byte[] gid = Records.recordId(gen);
        one.apply(gen);
        one.apply(bob.pack(TestColony.T0 + 1, gid, "a"));
        one.apply(bob.pack(TestColony.T0 + 2, gid, "b"));
        one.apply(bob.pack(TestColony.T0 + 3, gid, "c"));
        one.apply(bob.pack(TestColony.T0 + 4, gid, "d"));
        Ledger.DueSubmission d = one.ledger.dueTriggers(one.now, 60_000).get(0);
        one.apply(TriggerRecords.signDeterministic(bob.identity(), d.body()));
        SignedRecord cron = bob.cron(TestColony.T0, "c", List.of(echo("x").inWorkflow("x", List.of()), echo("y").inWorkflow("y", List.of("x"))),
                "0 0 * * * *");
        one.apply(cron);
        Ledger again = new Ledger(one.colony, LedgerConfig.defaults(), store);
        TriggerView g = again.trigger(gid, one.now).orElseThrow();
        assertEquals(1, g.pending());
        assertEquals(1, g.runs());
        assertEquals(2, again.triggers(one.now).size());
        assertEquals("cron", again.trigger(Records.recordId(cron), one.now).orElseThrow().kind());
    }

    @Test
    void badTriggerRecordsAreRefusedWhenDecoded() {
        RecordFactory f = new RecordFactory(Identity.generate(), c.colony);
        assertThrows(InvalidRecordException.class, () -> Records.open(f.cron(1, "", List.of(echo("x")), "* * * * *")));
        assertThrows(InvalidRecordException.class, () -> Records.open(f.cron(1, "n", List.of(echo("x")), "61 * * * *")));
        assertThrows(InvalidRecordException.class, () -> Records.open(f.generator(1, "n", List.of(echo("x")), 0, 0)));
        assertThrows(InvalidRecordException.class, () -> Records.open(f.generator(1, "n", List.of(echo("x")), 2, -1)));
        DecodedRecord ok = Records.open(f.cron(1, "n", List.of(echo("x")), "0/10 * * * * *"));
        assertNotNull(ok);
        assertTrue(ok.kind().isTrigger());
    }
}
