package io.colony.node.ledger;

import io.colony.protocol.Hex;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import java.util.TreeSet;

/** The records a ledger holds, as text that two ledgers holding the same records print alike. */
final class StoredIds {

    private StoredIds() {
    }

    /** The sorted ids of the membership records and of every stored record of the processes of {@code rs}. */
    static String of(Ledger ledger, List<SignedRecord> rs) {
        TreeSet<String> ids = new TreeSet<>();
        ledger.membershipRecords().forEach(s -> ids.add(Hex.encode(Records.recordId(s))));
        for (SignedRecord r : rs) {
            for (byte[] pid : Records.open(r).processIds()) {
                ledger.recordIds(pid).forEach(id -> ids.add(Hex.encode(id)));
            }
        }
        return ids.toString();
    }
}
