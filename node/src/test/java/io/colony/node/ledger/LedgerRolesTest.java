package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Roles are part of the fold: a record that breaks the roles table takes no effect on any node,
 * whatever order the records arrive in (also when it arrives through sync after everything else).
 */
class LedgerRolesTest {
    private final Identity owner = Identity.generate();
    private final byte[] colony = owner.publicKey();
    private final RecordFactory o = new RecordFactory(owner, colony);
    private final Identity u = Identity.generate();
    private final Identity x = Identity.generate();
    private final Identity n = Identity.generate();
    private final Identity k = Identity.generate();
    private final Identity turncoat = Identity.generate();
    private final RecordFactory user = new RecordFactory(u, colony);
    private final RecordFactory executor = new RecordFactory(x, colony);
    private final RecordFactory node = new RecordFactory(n, colony);
    private final RecordFactory revoked = new RecordFactory(k, colony);
    private final RecordFactory demoted = new RecordFactory(turncoat, colony);

    private byte[] p1;
    private byte[] p2;
    private byte[] p3;
    private byte[] p4;
    private byte[] p5;
    private byte[] p6;
    private byte[] p7;
    private byte[] p8;

    private List<SignedRecord> scenario() {
        List<SignedRecord> rs = new ArrayList<>();
        rs.add(o.admit(T0, u.publicKey(), Role.USER, "u", 0));
        rs.add(o.admit(T0, x.publicKey(), Role.EXECUTOR, "x", 0));
        rs.add(o.admit(T0, n.publicKey(), Role.NODE, "n", 0));
        rs.add(o.admit(T0 - 10_000, k.publicKey(), Role.NODE, "k", 0));
        rs.add(o.revoke(T0 + 30_000, k.publicKey(), "stolen"));
        rs.add(o.admit(T0, turncoat.publicKey(), Role.NODE, "t", 0));
        rs.add(o.admit(T0 + 5_000, turncoat.publicKey(), Role.USER, "t", 0)); // a user from then on

        // a user acts as an executor: claims first and closes with a forged output
        SignedRecord s1 = user.submit(T0 + 100, spec(0));
        p1 = Records.recordId(s1);
        rs.add(s1);
        rs.add(user.claim(T0 + 150, p1, 1, "u", "cli", T0 + 10_000));
        rs.add(user.close(T0 + 160, p1, 1, true, List.of("forged"), List.of()));
        rs.add(executor.claim(T0 + 200, p1, 1, "x", "cli", T0 + 10_000));
        rs.add(executor.close(T0 + 300, p1, 1, true, List.of("real"), List.of()));

        // an executor key may not submit
        SignedRecord s2 = executor.submit(T0 + 100, spec(0));
        p2 = Records.recordId(s2);
        rs.add(s2);

        // a node key may not cancel a user's process; an executor that does not hold the attempt may not
        // fail it on a timeout, a node may
        SignedRecord s3 = user.submit(T0 + 100, spec(1));
        p3 = Records.recordId(s3);
        rs.add(s3);
        rs.add(node.cancel(T0 + 150, p3, "not mine"));
        rs.add(node.claim(T0 + 200, p3, 1, "n", "cli", T0 + 1_000));
        rs.add(executor.fail(T0 + 4_000, p3, 1, "lease expired", false));
        rs.add(node.fail(T0 + 5_000, p3, 1, "lease expired", false));

        // a revoked key back-dates a claim and a close before its revocation, on a process another holds
        SignedRecord s4 = user.submit(T0 + 28_000, spec(0));
        p4 = Records.recordId(s4);
        rs.add(s4);
        rs.add(executor.claim(T0 + 28_500, p4, 1, "x", "cli", T0 + 38_000));
        rs.add(revoked.claim(T0 + 28_600, p4, 1, "k", "cli", T0 + 38_000));
        rs.add(revoked.close(T0 + 29_000, p4, 1, true, List.of("forged"), List.of()));
        rs.add(revoked.claim(T0 + 31_000, p4, 2, "k", "cli", T0 + 40_000));
        // its submit stamped 1 s before the revocation counts nowhere (a revocation takes effect 30 s
        // early: only a node that did not know it yet could have taken that record); one from long before stays
        SignedRecord s7 = revoked.submit(T0 + 29_000, spec(0));
        p7 = Records.recordId(s7);
        rs.add(s7);
        SignedRecord s8 = revoked.submit(T0 - 5_000, spec(0));
        p8 = Records.recordId(s8);
        rs.add(s8);

        // a key demoted from node to user may no longer claim (the later Admit may arrive last)
        SignedRecord s5 = user.submit(T0 + 6_000, spec(0));
        p5 = Records.recordId(s5);
        rs.add(s5);
        rs.add(demoted.claim(T0 + 6_100, p5, 1, "t", "cli", T0 + 16_000));
        SignedRecord s6 = demoted.submit(T0 + 4_500, FunctionSpec.of("cli", "early"));
        p6 = Records.recordId(s6);
        rs.add(s6);
        rs.add(demoted.cancel(T0 + 6_500, p6, "now a user, and its submitter"));
        return rs;
    }

    private Ledger replay(List<SignedRecord> order) {
        return replay(order, T0 + 100_000);
    }

    private Ledger replay(List<SignedRecord> order, long nowMs) {
        Ledger l = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());
        for (SignedRecord r : order) {
            l.apply(r, nowMs);
        }
        return l;
    }

    private static Map<String, String> snapshot(Ledger ledger, List<SignedRecord> rs) {
        Map<String, String> snap = new TreeMap<>();
        for (SignedRecord r : rs) {
            for (byte[] pid : Records.open(r).processIds()) {
                ProcessView v = ledger.get(pid).orElse(null);
                snap.put(Hex.encode(pid), v == null ? "unknown" : v.state() + " " + v.attempt() + " "
                        + v.executorId() + " " + v.output() + " " + v.errors() + " "
                        + v.history().stream().map(ev -> ev.recordId() + ":" + ev.detail()).toList());
            }
        }
        snap.put("stored", StoredIds.of(ledger, rs));
        return snap;
    }

    @Test
    void recordsBreakingTheRolesTableTakeNoEffect() {
        Ledger l = replay(scenario());
        ProcessView v1 = l.get(p1).orElseThrow();
        assertEquals(ProcessState.SUCCESS, v1.state());
        assertEquals(List.of("real"), v1.output(), "the user's forged close is ignored");
        assertEquals(Hex.encode(x.publicKey()), v1.executorId());
        assertTrue(l.get(p2).isEmpty(), "an executor's submit creates nothing");
        ProcessView v3 = l.get(p3).orElseThrow();
        assertEquals(ProcessState.WAITING, v3.state(), "the node's timeout fail counts, not the cancel");
        assertEquals(1, v3.attempt());
        assertTrue(v3.history().stream().anyMatch(e -> e.ignored()
                && e.detail().contains("only a node, the owner or the attempt's executor")), v3.history().toString());
        ProcessView v4 = l.get(p4).orElseThrow();
        assertEquals(ProcessState.RUNNING, v4.state(), "the revoked key's back-dated records change nothing");
        assertEquals(Hex.encode(x.publicKey()), v4.executorId());
        ProcessView v5 = l.get(p5).orElseThrow();
        assertEquals(ProcessState.WAITING, v5.state(), "a demoted key may not claim");
        assertEquals(ProcessState.FAILED, l.get(p6).orElseThrow().state(), "its submitter, a user now, cancels");
        assertTrue(l.get(p7).isEmpty(), "a revoked key's submit back-dated before its revocation counts nowhere");
        assertEquals(ProcessState.WAITING, l.get(p8).orElseThrow().state(), "one from before the revocation stays");
    }

    @Test
    void everyArrivalOrderGivesTheSameLedger() {
        List<SignedRecord> rs = scenario();
        Map<String, String> expected = snapshot(replay(rs), rs);
        Random random = new Random(12);
        for (int i = 0; i < 200; i++) {
            List<SignedRecord> shuffled = new ArrayList<>(rs);
            Collections.shuffle(shuffled, random);
            assertEquals(expected, snapshot(replay(shuffled), rs), "order #" + i);
        }
        // every rule-breaking record arriving last, through sync, after the rest
        List<SignedRecord> late = new ArrayList<>(rs);
        Collections.reverse(late);
        assertEquals(expected, snapshot(replay(late), rs));
    }

    @Test
    void aRuleBreakingRecordArrivingThroughSyncAfterTheFactChangesNothing() {
        List<SignedRecord> rs = scenario();
        Ledger l = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());
        List<SignedRecord> hostile = List.of(rs.get(8), rs.get(9)); // the user's claim and forged close
        for (SignedRecord r : rs) {
            if (!hostile.contains(r)) {
                l.apply(r, T0 + 100_000);
            }
        }
        assertEquals(List.of("real"), l.get(p1).orElseThrow().output());
        l.applyAll(hostile, T0 + 100_000);
        ProcessView v = l.get(p1).orElseThrow();
        assertEquals(List.of("real"), v.output());
        assertEquals(Hex.encode(x.publicKey()), v.executorId());
    }

    @Test
    void aNodeTakingClientRecordsAndPeersSyncingThemLaterConverge() {
        // node A takes records from clients as they come, in real time; B and C learn them from peers later,
        // in any order, together with records A refused (which no member node vouched for)
        long t = T0 + 1_000_000;
        List<SignedRecord> membership = List.of(o.admit(T0, u.publicKey(), Role.USER, "u", 0),
                o.admit(T0, x.publicKey(), Role.EXECUTOR, "x", 0), o.admit(T0, k.publicKey(), Role.NODE, "k", 0));
        Ledger a = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());
        membership.forEach(r -> a.apply(r, T0));
        List<SignedRecord> offered = new ArrayList<>();
        List<SignedRecord> acceptedByA = new ArrayList<>(membership);
        java.util.function.BiConsumer<SignedRecord, Long> post = (r, now) -> {
            offered.add(r);
            Outcome out = a.applyClient(List.of(Records.open(r)), now).outcome();
            if (out.stored()) {
                acceptedByA.add(r);
            }
        };
        SignedRecord s = user.submit(t, spec(1));
        byte[] p = Records.recordId(s);
        post.accept(s, t);
        post.accept(user.claim(t + 10, p, 1, "u", "cli", t + 9_000), t + 10); // a user: refused
        post.accept(executor.claim(t + 20, p, 1, "x", "cli", t + 9_000), t + 20);
        SignedRecord revoke = o.revoke(t + 1_000, k.publicKey(), "gone");
        post.accept(revoke, t + 1_000);
        post.accept(revoked.close(t + 900, p, 1, true, List.of("forged"), List.of()), t + 1_100); // back-dated
        post.accept(executor.close(t + 2_000, p, 1, true, List.of("ok"), List.of()), t + 2_000);
        assertEquals(List.of("ok"), a.get(p).orElseThrow().output());
        Map<String, String> expected = snapshot(a, offered);
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            List<SignedRecord> sync = new ArrayList<>(acceptedByA);
            Collections.shuffle(sync, random);
            Ledger b = replay(sync, t + 100_000);
            assertEquals(expected, snapshot(b, offered), "sync order #" + i);
        }
        // a peer that also relays what A refused: the fold ignores those (roles, holder), states agree
        List<SignedRecord> everything = new ArrayList<>(membership);
        everything.addAll(offered);
        Collections.shuffle(everything, random);
        Ledger c = replay(everything, t + 100_000);
        ProcessView v = c.get(p).orElseThrow();
        assertEquals(ProcessState.SUCCESS, v.state());
        assertEquals(List.of("ok"), v.output());
        assertEquals(Hex.encode(x.publicKey()), v.executorId());
    }

    @Test
    void aClientRecordThatIsRefusedIsKeptNowhereAndNeverTakesEffectLater() {
        TestColony c = new TestColony();
        Identity stranger = Identity.generate();
        RecordFactory s = new RecordFactory(stranger, c.colony);
        SignedRecord submit = s.submit(c.now, spec(0));
        Outcome o1 = c.ledger.applyClient(List.of(Records.open(submit)), c.now).outcome();
        assertEquals(Outcome.Status.REFUSED, o1.status());
        RecordFactory ex = c.executor("ex");
        SignedRecord later = c.user("u").submit(c.now, spec(0));
        byte[] pid = Records.recordId(later);
        Outcome o2 = c.ledger.applyClient(List.of(Records.open(ex.claim(c.now, pid, 1, "ex", "cli", c.now + 5_000))),
                c.now).outcome();
        assertEquals(Outcome.Status.REFUSED, o2.status());
        assertTrue(o2.reason().startsWith("no process"), o2.reason());
        assertEquals(0, c.ledger.heldCount());
        // a back-dated Admit of the stranger and the Submit arrive from peers afterwards
        c.apply(c.owner.admit(T0, stranger.publicKey(), Role.USER, "s", 0));
        c.apply(later);
        assertTrue(c.ledger.get(Records.recordId(submit)).isEmpty());
        assertEquals(ProcessState.WAITING, c.view(pid).state());
        assertEquals(0, c.view(pid).attempt());
    }

    @Test
    void aSubmitWithoutA16ByteNonceIsRefusedFromAnySource() {
        TestColony c = new TestColony();
        RecordFactory someone = c.user("someone");
        SignedRecord none = someone.sign(Records.submit(c.colony, T0 + 1, spec(0), new byte[0]));
        Outcome fromPeer = c.apply(none);
        assertEquals(Outcome.Status.REFUSED, fromPeer.status());
        assertTrue(fromPeer.reason().contains("nonce"), fromPeer.reason());
        SignedRecord shortOne = someone.sign(Records.workflow(c.colony, T0 + 1, List.of(spec(0).inWorkflow("a", List.of())),
                new byte[15]));
        Outcome shortNonce = c.apply(shortOne);
        assertEquals(Outcome.Status.REFUSED, shortNonce.status());
        assertTrue(shortNonce.reason().contains("nonce"), shortNonce.reason());
        assertTrue(c.ledger.get(Records.recordId(none)).isEmpty());
        assertEquals(0, c.store.count() - c.store.membership().size());
    }
}
