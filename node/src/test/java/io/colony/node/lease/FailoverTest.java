package io.colony.node.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two executors over one ledger on a fake clock: one dies mid-run, the other takes over. */
class FailoverTest {
    private static final long T0 = 1_700_000_000_000L;
    private final Identity ownerId = Identity.generate();
    private final byte[] colony = ownerId.publicKey();
    private final RecordFactory owner = new RecordFactory(ownerId, colony);
    private final Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());
    private long now = T0;

    private final class Executor {
        final RecordFactory f;
        final LeaseManager leases;
        boolean alive = true;
        byte[] running;

        Executor(String name) {
            Identity id = Identity.generate();
            ledger.apply(owner.admit(T0 - 1, id.publicKey(), Role.NODE, name, 0), now);
            f = new RecordFactory(id, colony);
            leases = new LeaseManager(colony, id.publicKey(), name, "cli", 1, LeaseConfig.defaults());
        }

        void turn() {
            if (!alive) {
                return;
            }
            boolean signed = true;
            for (int round = 0; signed && round < 3; round++) { // poll again after our own records applied
                signed = false;
                for (LeaseAction a : leases.poll(ledger, now)) {
                    if (a instanceof LeaseAction.Sign s) {
                        ledger.apply(f.sign(s.body()), now);
                        signed = true;
                    } else if (a instanceof LeaseAction.Start s) {
                        running = s.processId();
                    } else if (a instanceof LeaseAction.Stop) {
                        running = null;
                    }
                }
            }
        }

        void finish() {
            for (LeaseAction a : leases.finished(running, true, List.of("done by " + f.identity().memberId()),
                    List.of(), now)) {
                ledger.apply(f.sign(((LeaseAction.Sign) a).body()), now);
            }
            running = null;
        }
    }

    @Test
    void aDeadExecutorsProcessIsRetriedElsewhere() {
        Executor a = new Executor("a");
        SignedRecord sub = owner.submit(now, FunctionSpec.of("cli", "work").withLimits(0, 0, 1));
        ledger.apply(sub, now);
        byte[] p = Records.recordId(sub);
        a.turn();
        assertTrue(a.running != null, "a started the process");
        Executor b = new Executor("b"); // joins after a took the work
        now += 5_000;
        a.turn();
        b.turn();
        assertEquals(null, b.running);
        a.alive = false; // crash: no more renewals
        long crashedAt = now;
        long aLeaseUntil = ledger.summary(p).orElseThrow().leaseUntilMs();
        while (b.running == null) {
            now += 500;
            for (var fail : ledger.tick(now)) {
                ledger.apply(owner.sign(fail), now);
            }
            b.turn();
            assertTrue(now - crashedAt < 60_000, "b never took over");
        }
        ProcessView v = ledger.get(p).orElseThrow();
        assertEquals(ProcessState.RUNNING, v.state());
        assertEquals(2, v.attempt());
        assertTrue(v.startedMs() >= aLeaseUntil + LedgerConfig.defaults().graceMs(), "b started inside a's lease");
        b.finish();
        v = ledger.get(p).orElseThrow();
        assertEquals(ProcessState.SUCCESS, v.state());
        assertEquals(List.of("done by " + b.f.identity().memberId()), v.output());
        assertTrue(v.errors().get(0).contains("lease of attempt 1 expired"), v.errors().toString());
    }
}
