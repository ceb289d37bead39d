package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import org.junit.jupiter.api.Test;

class LedgerMembershipTest {
    private final TestColony c = new TestColony();
    private final Identity stranger = Identity.generate();
    private final RecordFactory s = new RecordFactory(stranger, c.colony);

    @Test
    void ownerIsAlwaysAMember() {
        assertEquals(Outcome.Status.ACCEPTED, c.status(c.owner.submit(T0, spec(0))));
    }

    @Test
    void nonMemberRecordsAreHeldUntilAdmitted() {
        SignedRecord sub = s.submit(T0 + 100, spec(0));
        assertEquals(Outcome.Status.HELD, c.status(sub));
        assertFalse(c.ledger.get(Records.recordId(sub)).isPresent());
        assertEquals(1, c.ledger.heldCount());
        c.apply(c.owner.admit(T0 + 50, stranger.publicKey(), Role.USER, "late", 0));
        assertEquals(ProcessState.WAITING, c.view(Records.recordId(sub)).state());
        assertEquals(0, c.ledger.heldCount());
        assertEquals(Outcome.Status.DUPLICATE, c.status(sub));
    }

    @Test
    void recordsBeforeAdmissionOrAfterExpiryDoNotCount() {
        c.apply(c.owner.admit(T0 + 1_000, stranger.publicKey(), Role.USER, "x", T0 + 2_000));
        assertEquals(Outcome.Status.HELD, c.status(s.submit(T0 + 999, spec(0))));
        assertEquals(Outcome.Status.ACCEPTED, c.status(s.submit(T0 + 1_500, spec(0))));
        assertEquals(Outcome.Status.HELD, c.status(s.submit(T0 + 2_000, spec(0))));
        assertTrue(c.ledger.isMember(stranger.publicKey(), T0 + 1_999));
        assertFalse(c.ledger.isMember(stranger.publicKey(), T0 + 2_000));
    }

    @Test
    void lateRevokeUndoesLaterRecords() {
        RecordFactory user = c.user("user");
        RecordFactory ex = c.member("ex");
        SignedRecord sub = user.submit(T0 + 100, spec(0));
        byte[] p = Records.recordId(sub);
        c.apply(sub);
        c.apply(ex.claim(T0 + 5_000, p, 1, "ex", "cli", T0 + 15_000));
        assertEquals(ProcessState.RUNNING, c.view(p).state());
        c.apply(c.owner.revoke(T0 + 4_000, ex.identity().publicKey(), "compromised"));
        assertEquals(ProcessState.WAITING, c.view(p).state());
        assertEquals(1, c.ledger.heldCount());
    }

    @Test
    void membershipRecordsOnlyFromTheOwner() {
        RecordFactory m = c.member("m");
        Outcome out = c.apply(m.admit(T0, stranger.publicKey(), Role.NODE, "sneaky", 0));
        assertEquals(Outcome.Status.REFUSED, out.status());
        assertTrue(out.reason().contains("owner"));
        c.apply(c.owner.revoke(T0 + 10, c.colony, "cannot revoke the owner"));
        assertTrue(c.ledger.isMember(c.colony, T0 + 20));
    }

    @Test
    void foreignColonyFutureAndBadSignaturesAreRefused() {
        Identity otherOwner = Identity.generate();
        RecordFactory foreign = new RecordFactory(otherOwner, otherOwner.publicKey());
        Outcome out = c.apply(foreign.submit(T0, spec(0)));
        assertEquals(Outcome.Status.REFUSED, out.status());
        assertEquals("record of another colony", out.reason());

        out = c.apply(c.owner.submit(c.now + 30_001, spec(0)));
        assertEquals(Outcome.Status.REFUSED, out.status());
        assertTrue(out.reason().contains("future"));
        assertEquals(Outcome.Status.ACCEPTED, c.status(c.owner.submit(c.now + 30_000, spec(0))));

        SignedRecord good = c.owner.submit(T0, spec(0));
        SignedRecord forged = good.toBuilder().setSignature(ByteString.copyFrom(new byte[64])).build();
        out = c.apply(forged);
        assertEquals(Outcome.Status.REFUSED, out.status());
        assertEquals("bad signature", out.reason());
        SignedRecord impostor = good.toBuilder().setSigner(ByteString.copyFrom(stranger.publicKey())).build();
        assertEquals(Outcome.Status.REFUSED, c.status(impostor));
        assertEquals(0, c.ledger.heldCount());
    }

    @Test
    void heldRecordsAreBounded() {
        LedgerConfig d = LedgerConfig.defaults();
        Ledger small = new Ledger(c.colony, new LedgerConfig(d.graceMs(), d.maxLeaseMs(), d.maxFutureSkewMs(),
                d.maxRecordsPerProcess(), 5, d.maxLogLines(), d.maxLogBytes()), new io.colony.node.store.MemoryRecordStore());
        for (int i = 0; i < 8; i++) {
            assertEquals(Outcome.Status.HELD, small.apply(s.submit(T0 + i, spec(0)), c.now).outcome().status());
            assertEquals(Outcome.Status.HELD, small.apply(c.owner.claim(T0 + i, new byte[32], 1, "x", "cli",
                    T0 + 1_000 + i), c.now).outcome().status());
        }
        assertEquals(5, small.heldCount());
    }

    @Test
    void recordsBeforeTheirSubmitWaitForIt() {
        RecordFactory ex = c.member("ex");
        SignedRecord sub = c.owner.submit(T0 + 100, spec(0));
        byte[] p = Records.recordId(sub);
        assertEquals(Outcome.Status.HELD, c.status(ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_000)));
        c.apply(sub);
        assertEquals(ProcessState.RUNNING, c.view(p).state());
    }
}
