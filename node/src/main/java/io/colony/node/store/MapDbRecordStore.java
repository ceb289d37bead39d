package io.colony.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.pb.SignedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RecordStore} in a MapDB file with transactions (write-ahead log). {@link #commit()} is the
 * group commit: everything staged since the previous commit becomes durable at once, and survives a
 * {@code kill -9} of the process; staged writes that were not committed are rolled back on reopen.
 * Two structures: a hash map record id → envelope bytes, and a sorted index (see {@code IndexKeys}).
 */
public final class MapDbRecordStore implements RecordStore {
    private static final Logger LOG = LoggerFactory.getLogger(MapDbRecordStore.class);
    private static final byte[] EMPTY = new byte[0];
    private static final long ALLOCATE_STEP = 32L << 20;

    private final DB db;
    private final HTreeMap<byte[], byte[]> records;
    private final BTreeMap<byte[], byte[]> index;

    private MapDbRecordStore(DB db) {
        this.db = db;
        this.records = db.hashMap("records", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        this.index = db.treeMap("index", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        db.commit();
    }

    /**
     * Opens (creating if needed) the store in {@code file}; its parent directory is created.
     *
     * @throws IllegalStateException with one readable line if the file cannot be opened
     */
    public static MapDbRecordStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // single-threaded owner (the ledger): no internal locking; grow the file in large steps so a
            // commit rarely has to extend (and re-map) it
            DB db = DBMaker.fileDB(file.toFile()).transactionEnable().fileMmapEnableIfSupported()
                    .concurrencyDisable().allocateStartSize(ALLOCATE_STEP).allocateIncrement(ALLOCATE_STEP).make();
            MapDbRecordStore store = new MapDbRecordStore(db);
            LOG.info("opened record store {} with {} records", file, store.count());
            return store;
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("cannot open record store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(DecodedRecord record) {
        if (records.putIfAbsentBoolean(record.id(), record.signed().toByteArray())) {
            for (byte[] k : IndexKeys.of(record)) {
                index.put(k, EMPTY);
            }
        }
    }

    @Override
    public void delete(DecodedRecord record) {
        if (records.remove(record.id()) != null) {
            for (byte[] k : IndexKeys.of(record)) {
                index.remove(k);
            }
        }
    }

    @Override
    public void commit() {
        db.commit();
    }

    @Override
    public Optional<SignedRecord> get(byte[] recordId) {
        byte[] v = records.get(recordId);
        return v == null ? Optional.empty() : Optional.of(parse(v));
    }

    @Override
    public boolean contains(byte[] recordId) {
        return records.containsKey(recordId);
    }

    @Override
    public void forEach(Consumer<SignedRecord> action) {
        for (byte[] v : records.getValues()) {
            action.accept(parse(v));
        }
    }

    @Override
    public void forEachIdInBucket(int bucket, Consumer<byte[]> sink) {
        for (byte[] id : records.getKeys()) {
            if ((id[0] & 0xff) == bucket) {
                sink.accept(id);
            }
        }
    }

    @Override
    public List<SignedRecord> byProcess(byte[] processId) {
        return range(IndexKeys.PROCESS, processId);
    }

    @Override
    public List<SignedRecord> logsOf(byte[] processId) {
        return range(IndexKeys.LOG, processId);
    }

    @Override
    public List<SignedRecord> membership() {
        return range(IndexKeys.MEMBERSHIP, null);
    }

    private List<SignedRecord> range(byte tag, byte[] processId) {
        List<SignedRecord> out = new ArrayList<>();
        for (byte[] k : index.subMap(IndexKeys.from(tag, processId), true, IndexKeys.to(tag, processId), false)
                .keySet()) {
            byte[] v = records.get(IndexKeys.recordId(k));
            if (v != null) {
                out.add(parse(v));
            }
        }
        return out;
    }

    @Override
    public long count() {
        return records.sizeLong();
    }

    @Override
    public void close() {
        if (!db.isClosed()) {
            db.close();
        }
    }

    private static SignedRecord parse(byte[] bytes) {
        try {
            return SignedRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt record in store", e);
        }
    }
}
