package io.colony.node.replication;

import io.colony.node.store.RecordStore;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link RecordStore} that keeps a {@link SyncDigest} of its record ids current, whichever path a
 * record takes into the store (local API, executor, gossip, sync). The digest is rebuilt from the
 * store's contents when opened. Not thread-safe, like every store: the ledger owns it.
 */
public final class DigestedRecordStore implements RecordStore {

    private final RecordStore delegate;
    private final SyncDigest digest = new SyncDigest();
    private final Consumer<DecodedRecord> onStored;

    public DigestedRecordStore(RecordStore delegate) {
        this(delegate, r -> { });
    }

    /** @param onStored told of every record newly put (on the ledger's thread) */
    public DigestedRecordStore(RecordStore delegate, Consumer<DecodedRecord> onStored) {
        this.delegate = delegate;
        this.onStored = onStored;
        delegate.forEach(r -> digest.add(Records.recordId(r)));
    }

    /** The digest of every stored record id. */
    public SyncDigest digest() {
        return digest;
    }

    @Override
    public void put(DecodedRecord record) {
        if (!delegate.contains(record.id())) {
            delegate.put(record);
            digest.add(record.id());
            onStored.accept(record);
        }
    }

    @Override
    public void delete(DecodedRecord record) {
        if (delegate.contains(record.id())) {
            delegate.delete(record);
            digest.remove(record.id());
        }
    }

    @Override
    public void commit() {
        delegate.commit();
    }

    @Override
    public Optional<SignedRecord> get(byte[] recordId) {
        return delegate.get(recordId);
    }

    @Override
    public boolean contains(byte[] recordId) {
        return delegate.contains(recordId);
    }

    @Override
    public void forEach(Consumer<SignedRecord> action) {
        delegate.forEach(action);
    }

    @Override
    public void forEachIdInBucket(int bucket, Consumer<byte[]> sink) {
        delegate.forEachIdInBucket(bucket, sink);
    }

    @Override
    public List<SignedRecord> byProcess(byte[] processId) {
        return delegate.byProcess(processId);
    }

    @Override
    public List<SignedRecord> logsOf(byte[] processId) {
        return delegate.logsOf(processId);
    }

    @Override
    public List<SignedRecord> membership() {
        return delegate.membership();
    }

    @Override
    public List<SignedRecord> triggers() {
        return delegate.triggers();
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public long damagedEntries() {
        return delegate.damagedEntries();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
