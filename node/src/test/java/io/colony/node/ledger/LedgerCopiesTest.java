package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two members that sign the same body make two records. The chaos run whose ledgers differed had two
 * nodes fail one expired lease in the same millisecond: the two Fail bodies were identical, so their
 * ids were too, each node kept the copy it saw first and replication, which compares ids, never
 * noticed that the nodes' histories named different signers.
 */
class LedgerCopiesTest {

    @Test
    void twoNodesFailingOneLeaseInTheSameMillisecondConvergeOnBothRecords() {
        Identity ownerId = Identity.generate();
        Identity n1 = Identity.generate();
        Identity n2 = Identity.generate();
        Identity u = Identity.generate();
        byte[] colony = ownerId.publicKey();
        RecordFactory owner = new RecordFactory(ownerId, colony);
        RecordFactory user = new RecordFactory(u, colony);
        RecordFactory node1 = new RecordFactory(n1, colony);
        List<SignedRecord> common = new java.util.ArrayList<>(List.of(
                owner.admit(T0, n1.publicKey(), Role.NODE, "n1", 0),
                owner.admit(T0, n2.publicKey(), Role.NODE, "n2", 0),
                owner.admit(T0, u.publicKey(), Role.USER, "u", 0)));
        SignedRecord submit = user.submit(T0 + 10, spec(3));
        byte[] pid = Records.recordId(submit);
        common.add(submit);
        common.add(node1.claim(T0 + 20, pid, 1, "n1", "cli", T0 + 3_020));
        Record expiry = Records.fail(colony, T0 + 5_000, pid, 1, "lease of attempt 1 expired", false);
        SignedRecord byN1 = Records.sign(n1, expiry);
        SignedRecord byN2 = Records.sign(n2, expiry);

        Ledger a = ledger(common);
        Ledger b = ledger(common);
        a.apply(byN1, T0 + 6_000); // each node stores its own copy first...
        b.apply(byN2, T0 + 6_000);
        a.apply(byN2, T0 + 6_001); // ...then receives the other's
        b.apply(byN1, T0 + 6_001);

        assertEquals(a.get(pid).orElseThrow().history(), b.get(pid).orElseThrow().history());
        assertNotEquals(Records.open(byN1).idText(), Records.open(byN2).idText());
        assertEquals(a.recordIds(pid).size(), b.recordIds(pid).size());
        assertEquals(a.get(pid).orElseThrow(), b.get(pid).orElseThrow());
        assertEquals(List.of(Records.open(byN1).idText(), Records.open(byN2).idText()).stream().sorted().toList(),
                a.get(pid).orElseThrow().history().stream().filter(e -> e.kind().equals("fail"))
                        .map(e -> e.recordId()).sorted().toList());
    }

    private static Ledger ledger(List<SignedRecord> records) {
        Ledger l = new Ledger(Records.open(records.get(0)).colony(),
                LedgerConfig.defaults(), new MemoryRecordStore());
        records.forEach(r -> l.apply(r, T0 + 1_000));
        return l;
    }
}
