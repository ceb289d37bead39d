package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
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

/** The ledger state is a function of the record set, whatever the arrival order. */
class LedgerDeterminismTest {
    private final Identity owner = Identity.generate();
    private final byte[] colony = owner.publicKey();
    private final RecordFactory o = new RecordFactory(owner, colony);
    private final Identity u = Identity.generate();
    private final Identity e1 = Identity.generate();
    private final Identity e2 = Identity.generate();
    private final RecordFactory user = new RecordFactory(u, colony);
    private final RecordFactory ex1 = new RecordFactory(e1, colony);
    private final RecordFactory ex2 = new RecordFactory(e2, colony);

    /** A messy history: retries, conflicting claims, stale closes, a workflow, a revocation. */
    private List<SignedRecord> scenario() {
        List<SignedRecord> rs = new ArrayList<>();
        rs.add(o.admit(T0, u.publicKey(), Role.USER, "u", 0));
        rs.add(o.admit(T0, e1.publicKey(), Role.NODE, "e1", 0));
        rs.add(o.admit(T0, e2.publicKey(), Role.NODE, "e2", 0));

        SignedRecord s1 = user.submit(T0 + 100, spec(2));
        byte[] p1 = Records.recordId(s1);
        rs.add(s1);
        rs.add(ex1.claim(T0 + 200, p1, 1, "e1", "cli", T0 + 10_000));
        rs.add(ex2.claim(T0 + 201, p1, 1, "e2", "cli", T0 + 10_000)); // loses
        rs.add(ex1.renew(T0 + 3_000, p1, 1, T0 + 13_000));
        rs.add(ex1.log(T0 + 3_100, p1, 1, 0, List.of("working")));
        rs.add(o.fail(T0 + 15_000, p1, 1, "lease expired", false));
        rs.add(ex1.close(T0 + 15_001, p1, 1, true, List.of("stale"), List.of())); // too late
        rs.add(ex2.claim(T0 + 15_100, p1, 2, "e2", "cli", T0 + 25_000));
        rs.add(ex2.close(T0 + 16_000, p1, 2, false, List.of(), List.of("exit 1")));
        rs.add(ex1.claim(T0 + 16_100, p1, 3, "e1", "cli", T0 + 26_000));
        rs.add(ex1.close(T0 + 17_000, p1, 3, true, List.of("done"), List.of()));
        rs.add(user.cancel(T0 + 18_000, p1, "too late")); // no-op: final

        SignedRecord s2 = user.submit(T0 + 150, FunctionSpec.of("cli", "g").withLimits(20, 0, 0));
        byte[] p2 = Records.recordId(s2);
        rs.add(s2);
        rs.add(o.fail(T0 + 20_150, p2, 0, "maxwaittime exceeded", true));
        rs.add(ex1.claim(T0 + 20_151, p2, 1, "e1", "cli", T0 + 30_000)); // after the fail

        FunctionSpec a = FunctionSpec.of("cli", "a").inWorkflow("a", List.of());
        FunctionSpec b = FunctionSpec.of("cli", "b").inWorkflow("b", List.of("a"));
        SignedRecord w = user.workflow(T0 + 300, List.of(a, b));
        var wd = Records.open(w);
        rs.add(w);
        rs.add(ex2.claim(T0 + 400, wd.processIds().get(0), 1, "e2", "cli", T0 + 10_000));
        rs.add(ex1.claim(T0 + 450, wd.processIds().get(1), 1, "e1", "cli", T0 + 10_000)); // too early
        rs.add(ex2.close(T0 + 500, wd.processIds().get(0), 1, true, List.of("a"), List.of()));
        rs.add(ex1.claim(T0 + 600, wd.processIds().get(1), 1, "e1", "cli", T0 + 10_000));

        // a workflow whose root is cancelled: its descendants fail with it
        FunctionSpec r = FunctionSpec.of("cli", "r").inWorkflow("r", List.of());
        FunctionSpec s = FunctionSpec.of("cli", "s").inWorkflow("s", List.of("r"));
        FunctionSpec t = FunctionSpec.of("cli", "t").inWorkflow("t", List.of("s"));
        SignedRecord w2 = user.workflow(T0 + 700, List.of(r, s, t));
        var w2d = Records.open(w2);
        rs.add(w2);
        rs.add(ex1.claim(T0 + 800, w2d.processIds().get(0), 1, "e1", "cli", T0 + 10_000));
        rs.add(user.cancel(T0 + 900, w2d.processIds().get(0), "never mind"));
        rs.add(ex1.close(T0 + 950, w2d.processIds().get(0), 1, true, List.of(), List.of())); // too late

        // e2 is revoked at T0 + 50_000; its later records do not count (nor those of the 30 s before)
        rs.add(o.revoke(T0 + 50_000, e2.publicKey(), "left"));
        SignedRecord s3 = user.submit(T0 + 49_000, spec(0));
        byte[] p3 = Records.recordId(s3);
        rs.add(s3);
        rs.add(ex2.claim(T0 + 50_001, p3, 1, "e2", "cli", T0 + 60_000));
        rs.add(ex1.claim(T0 + 50_002, p3, 1, "e1", "cli", T0 + 60_000));
        return rs;
    }

    private Map<String, String> snapshot(Ledger ledger, List<SignedRecord> rs) {
        Map<String, String> snap = new TreeMap<>();
        for (SignedRecord r : rs) {
            var d = Records.open(r);
            for (byte[] pid : d.processIds()) {
                ProcessView v = ledger.get(pid).orElse(null);
                snap.put(Hex.encode(pid), v == null ? "unknown" : v.state() + " " + v.attempt() + " "
                        + v.executorId() + " " + v.output() + " " + v.errors() + " " + v.leaseUntilMs() + " "
                        + v.history().stream().map(ev -> ev.recordId() + ":" + ev.detail()).toList()
                        + " logs=" + ledger.logs(pid).lines());
            }
        }
        snap.put("counts", ledger.counts().toString());
        snap.put("stored", StoredIds.of(ledger, rs));
        return snap;
    }

    private Ledger replay(List<SignedRecord> order) {
        Ledger l = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());
        for (SignedRecord r : order) {
            l.apply(r, T0 + 100_000);
        }
        return l;
    }

    @Test
    void everyArrivalOrderGivesTheSameLedger() {
        List<SignedRecord> rs = scenario();
        Ledger reference = replay(rs);
        Map<String, String> expected = snapshot(reference, rs);
        assertEquals(1, reference.heldCount(), "only e2's claim after its revocation is held");
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            List<SignedRecord> shuffled = new ArrayList<>(rs);
            Collections.shuffle(shuffled, random);
            Ledger l = replay(shuffled);
            assertEquals(expected, snapshot(l, rs), "order #" + i);
        }
        Ledger reversed = replay(reverse(rs));
        assertEquals(expected, snapshot(reversed, rs));
    }

    @Test
    void batchesAndRebuildGiveTheSameLedger() {
        List<SignedRecord> rs = scenario();
        Map<String, String> expected = snapshot(replay(rs), rs);
        MemoryRecordStore store = new MemoryRecordStore();
        Ledger batched = new Ledger(colony, LedgerConfig.defaults(), store);
        List<SignedRecord> shuffled = new ArrayList<>(rs);
        Collections.shuffle(shuffled, new Random(7));
        batched.applyAll(shuffled, T0 + 100_000);
        assertEquals(expected, snapshot(batched, rs));
        Ledger rebuilt = new Ledger(colony, LedgerConfig.defaults(), store);
        assertEquals(expected, snapshot(rebuilt, rs));
    }

    private static List<SignedRecord> reverse(List<SignedRecord> rs) {
        List<SignedRecord> r = new ArrayList<>(rs);
        Collections.reverse(r);
        return r;
    }
}
