package io.colony.node.store;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.pb.SignedRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** In-memory {@link RecordStore} for tests and simulations; commit is a no-op. */
public final class MemoryRecordStore extends IndexedRecordStore {
    private final Map<ByteBuffer, SignedRecord> records = new HashMap<>();
    private final NavigableMap<byte[], Boolean> index = new TreeMap<>(Arrays::compareUnsigned);

    @Override
    public void put(DecodedRecord record) {
        if (records.putIfAbsent(ByteBuffer.wrap(record.id()), record.signed()) == null) {
            IndexKeys.of(record).forEach(k -> index.put(k, Boolean.TRUE));
        }
    }

    @Override
    public void delete(DecodedRecord record) {
        if (records.remove(ByteBuffer.wrap(record.id())) != null) {
            IndexKeys.of(record).forEach(index::remove);
        }
    }

    @Override
    public void commit() {
        // nothing to do: memory is the whole truth
    }

    @Override
    public Optional<SignedRecord> get(byte[] recordId) {
        return Optional.ofNullable(records.get(ByteBuffer.wrap(recordId)));
    }

    @Override
    public boolean contains(byte[] recordId) {
        return records.containsKey(ByteBuffer.wrap(recordId));
    }

    @Override
    public void forEach(Consumer<SignedRecord> action) {
        List.copyOf(records.values()).forEach(action);
    }

    @Override
    public void forEachIdInBucket(int bucket, Consumer<byte[]> sink) {
        for (ByteBuffer id : List.copyOf(records.keySet())) {
            if ((id.get(0) & 0xff) == bucket) {
                sink.accept(id.array().clone());
            }
        }
    }

    @Override
    NavigableMap<byte[], ?> index() {
        return index;
    }

    @Override
    SignedRecord load(byte[] recordId) {
        return records.get(ByteBuffer.wrap(recordId));
    }

    @Override
    public long count() {
        return records.size();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
