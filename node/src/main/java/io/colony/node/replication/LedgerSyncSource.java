package io.colony.node.replication;

import io.colony.node.ledger.ApplyResult;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.Outcome;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@link SyncSource} over a {@link Ledger} whose store is a {@link DigestedRecordStore}. Records
 * from peers go through {@link Ledger#applyAll} (signature check, membership, fold, one commit);
 * the state changes it reports go to {@code onApplied} so the node can wake executors and
 * subscribers.
 */
public final class LedgerSyncSource implements SyncSource {

    private final Ledger ledger;
    private final DigestedRecordStore store;
    private final LongSupplier clock;
    private final Consumer<ApplyResult> onApplied;

    public LedgerSyncSource(Ledger ledger, DigestedRecordStore store, LongSupplier clock,
            Consumer<ApplyResult> onApplied) {
        this.ledger = ledger;
        this.store = store;
        this.clock = clock;
        this.onApplied = onApplied;
    }

    @Override
    public SyncDigest digest() {
        return store.digest();
    }

    @Override
    public boolean contains(byte[] recordId) {
        return store.contains(recordId);
    }

    @Override
    public Optional<SignedRecord> record(byte[] recordId) {
        return store.get(recordId);
    }

    @Override
    public void idsInBucket(int bucket, Consumer<byte[]> sink) {
        store.forEachIdInBucket(bucket, sink);
    }

    @Override
    public List<SignedRecord> processRecords(byte[] processId) {
        return store.byProcess(processId);
    }

    @Override
    public List<byte[]> ingest(List<SignedRecord> records, String fromPeer) {
        ApplyResult result = ledger.applyAll(records, clock.getAsLong());
        List<byte[]> refused = new ArrayList<>();
        for (Outcome o : result.outcomes()) {
            if (o.status() == Outcome.Status.REFUSED && o.recordId() != null && o.recordId().length() == 64) {
                refused.add(java.util.HexFormat.of().parseHex(o.recordId()));
            }
        }
        onApplied.accept(result);
        return refused;
    }

}
