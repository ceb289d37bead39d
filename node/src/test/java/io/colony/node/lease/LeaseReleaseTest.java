package io.colony.node.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LeaseManager#releaseAll}: a shutting-down executor hands its attempts back without using retries. */
class LeaseReleaseTest {
    private static final long T0 = 1_700_000_000_000L;
    private final Identity ownerId = Identity.generate();
    private final byte[] colony = ownerId.publicKey();
    private final RecordFactory owner = new RecordFactory(ownerId, colony);
    private final Identity exId = Identity.generate();
    private final RecordFactory ex = new RecordFactory(exId, colony);
    private final Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());

    @Test
    void releasedAttemptsAreWaitingAgainAndClaimableWithoutUsingARetry() {
        ledger.apply(owner.admit(T0 - 1000, exId.publicKey(), Role.NODE, "ex", 0), T0);
        SignedRecord submit = owner.submit(T0, FunctionSpec.of("cli", "a").withLimits(0, 0, 0)); // no retries
        ledger.apply(submit, T0);
        byte[] id = Records.recordId(submit);
        LeaseManager m = new LeaseManager(colony, exId.publicKey(), "ex", "cli", 1, LeaseConfig.of(10_000, 0));
        long now = T0 + 10;
        for (int round = 0; round < 3; round++, now++) {
            for (LeaseAction a : m.poll(ledger, now)) {
                if (a instanceof LeaseAction.Sign s) {
                    ledger.apply(ex.sign(s.body()), now);
                }
            }
        }
        assertEquals(ProcessState.RUNNING, ledger.summary(id).orElseThrow().state());

        List<LeaseAction> release = m.releaseAll(now);
        assertEquals(1, release.size());
        assertEquals(0, m.active());
        LeaseAction.Sign s = (LeaseAction.Sign) release.get(0);
        assertEquals(LeaseManager.RELEASE_REASON, s.body().getFail().getReason());
        ledger.apply(ex.sign(s.body()), now);
        assertEquals(ProcessState.WAITING, ledger.summary(id).orElseThrow().state());
        // claimable again although maxretries is 0
        assertTrue(ledger.claimable("cli", "other", now + 1).stream()
                .anyMatch(p -> java.util.Arrays.equals(p.processId(), id)));
    }
}
