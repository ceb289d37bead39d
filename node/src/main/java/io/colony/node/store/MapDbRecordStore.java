package io.colony.node.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.Records;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RecordStore} over an append-only {@link RecordJournal} (the durable truth) and a MapDB file
 * that indexes it: a hash map record id → journal offset and a sorted index (see {@code IndexKeys}).
 *
 * <p>{@link #commit()} is the group commit: it appends a COMMIT entry to the journal and forces it to
 * disk, so everything staged since the previous commit survives a {@code kill -9} at once, and
 * nothing staged but not committed does. MapDB's own write-ahead log is not crash-safe (a kill
 * during its commit can leave the file corrupt, and it is not replayed on open), so the MapDB file is
 * only a checkpointed cache of the journal: it is committed every {@value #CHECKPOINT_ENTRIES} entries
 * or {@value #CHECKPOINT_MS} ms, and a small checkpoint file names the journal offset it covers. The
 * checkpoint file is removed while MapDB commits; if a node dies then, the next open finds no
 * checkpoint and rebuilds the index from the journal. Otherwise the open replays only the journal
 * entries after the checkpoint.
 *
 * <p>Files: {@code NAME} (MapDB), {@code NAME.journal}, {@code NAME.checkpoint}.
 */
public final class MapDbRecordStore extends IndexedRecordStore {
    private static final Logger LOG = LoggerFactory.getLogger(MapDbRecordStore.class);
    private static final byte[] EMPTY = new byte[0];
    private static final long ALLOCATE_STEP = 8L << 20;
    static final long CHECKPOINT_ENTRIES = 8192;
    static final long CHECKPOINT_MS = 2000;
    /**
     * Names the index format: an index checkpointed under another magic is rebuilt from the journal on
     * open (C2: record ids bind the signer, {@link io.colony.protocol.Records#recordId}).
     */
    private static final byte[] CHECKPOINT_MAGIC = "COLONYC2".getBytes(StandardCharsets.US_ASCII);

    private final Path dbFile;
    private final Path checkpointFile;
    private final RecordJournal journal;
    private DB db;
    private HTreeMap<byte[], Long> offsets;
    private BTreeMap<byte[], byte[]> index;
    private long count;
    private long entriesSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();

    private final long checkpointEntries;

    private MapDbRecordStore(Path dbFile, RecordJournal journal, long checkpointEntries) {
        this.dbFile = dbFile;
        this.checkpointEntries = checkpointEntries;
        this.checkpointFile = sibling(dbFile, ".checkpoint");
        this.journal = journal;
    }

    /**
     * Opens (creating if needed) the store in {@code file} and its sibling files; the parent
     * directory is created. Replays the journal past the last checkpoint, or rebuilds the index from
     * the whole journal when there is no valid checkpoint.
     *
     * @throws IllegalStateException with one readable line if the store cannot be opened
     */
    public static MapDbRecordStore open(Path file) {
        return open(file, CHECKPOINT_ENTRIES);
    }

    /** As {@link #open(Path)}, with MapDB checkpointed every {@code checkpointEntries} journal entries. */
    static MapDbRecordStore open(Path file, long checkpointEntries) {
        RecordJournal journal = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path journalFile = sibling(file, ".journal");
            boolean legacy = false;
            if (Files.exists(file) && !Files.exists(journalFile)) {
                if (Files.exists(sibling(file, ".checkpoint"))) {
                    throw new IllegalStateException("its journal " + journalFile.getFileName() + " is missing, and the"
                            + " index alone does not hold the records: restore the journal, or move the data dir away"
                            + " to start empty (a colony member then syncs the ledger from its peers)");
                }
                legacy = true;
            }
            journal = RecordJournal.open(journalFile);
            MapDbRecordStore store = new MapDbRecordStore(file, journal, checkpointEntries);
            if (legacy) {
                store.migrateLegacy();
            }
            store.openIndex();
            return store;
        } catch (java.io.IOException | RuntimeException e) {
            if (journal != null) {
                try {
                    journal.close();
                } catch (java.io.IOException ignored) {
                    // already failing
                }
            }
            throw new IllegalStateException("cannot open record store " + file + ": " + e.getMessage(), e);
        }
    }

    private void openIndex() throws java.io.IOException {
        long from = readCheckpoint();
        deleteMapDbLogs();
        if (from < 0) {
            if (Files.exists(dbFile)) {
                LOG.warn("record store {} has no valid checkpoint (the node stopped during one): rebuilding its index"
                        + " from the journal", dbFile);
            }
            Files.deleteIfExists(dbFile);
            from = RecordJournal.START;
        }
        try {
            openDb();
        } catch (RuntimeException e) {
            LOG.warn("record store {} cannot be opened ({}): rebuilding its index from the journal", dbFile,
                    e.toString());
            closeDbQuietly();
            Files.deleteIfExists(dbFile);
            from = RecordJournal.START;
            openDb();
        }
        count = offsets.sizeLong();
        long started = System.nanoTime();
        long[] replayed = {0};
        long cut = journal.recover(from, (entries, end) -> {
            for (RecordJournal.Entry e : entries) {
                replay(e);
            }
            replayed[0] += entries.size();
            if (replayed[0] >= 100_000 && replayed[0] % 100_000 < entries.size()) {
                LOG.info("record store {}: {} journal entries replayed", dbFile, replayed[0]);
            }
        });
        for (long at : journal.damaged()) {
            LOG.warn("record store {}: the journal entry at offset {} is damaged (its checksum fails): skipped, the"
                    + " entries after it are kept (peers give the record back by sync; colony node repair checks"
                    + " the store)", dbFile, at);
        }
        if (journal.savedTail() != null) {
            LOG.error("record store {}: the journal has a damaged entry with committed records after it; those {}"
                    + " bytes are kept in {} and the node goes on without them (peers give them back by sync; or stop"
                    + " the node and run colony node repair to re-import them)",
                    dbFile, cut, journal.savedTail());
        } else if (cut > 0) {
            LOG.info("record store {}: cut {} bytes of uncommitted journal tail", dbFile, cut);
        }
        checkpoint();
        LOG.info("opened record store {} with {} records ({} journal entries replayed in {} ms)", dbFile, count,
                replayed[0], (System.nanoTime() - started) / 1_000_000);
    }

    private void openDb() {
        // single-threaded owner (the ledger): no internal locking; grow the file in large steps so a
        // checkpoint rarely has to extend (and re-map) it
        db = DBMaker.fileDB(dbFile.toFile()).transactionEnable().fileMmapEnableIfSupported().concurrencyDisable()
                .allocateStartSize(ALLOCATE_STEP).allocateIncrement(ALLOCATE_STEP).make();
        offsets = db.hashMap("offsets", Serializer.BYTE_ARRAY, Serializer.LONG).createOrOpen();
        index = db.treeMap("index", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
    }

    private void closeDbQuietly() {
        try {
            if (db != null && !db.isClosed()) {
                db.close();
            }
        } catch (RuntimeException ignored) {
            // a corrupt file may not even close
        }
        db = null;
    }

    /** MapDB never replays its own log files on open; stale ones from a killed process are dropped. */
    private void deleteMapDbLogs() throws java.io.IOException {
        Path dir = dbFile.toAbsolutePath().getParent();
        String prefix = dbFile.getFileName() + ".wal";
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith(prefix)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** An index file written before the journal existed: its records move into a new journal. */
    private void migrateLegacy() throws java.io.IOException {
        LOG.info("record store {} predates the journal: moving its records into {}", dbFile,
                sibling(dbFile, ".journal"));
        DB old = DBMaker.fileDB(dbFile.toFile()).transactionEnable().make();
        try {
            if (!old.exists("records")) {
                throw new IllegalStateException("it holds no ledger records and its journal is missing");
            }
            HTreeMap<byte[], byte[]> records = old.hashMap("records", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                    .createOrOpen();
            for (byte[] v : records.getValues()) {
                journal.append(RecordJournal.PUT, v);
            }
            journal.commit();
        } finally {
            old.close();
        }
        Files.deleteIfExists(checkpointFile);
        Files.delete(dbFile);
    }

    private void replay(RecordJournal.Entry e) {
        if (e.type() == RecordJournal.PUT) {
            DecodedRecord d = Records.decode(parse(e.payload()));
            if (offsets.putIfAbsentBoolean(d.id(), e.offset())) {
                indexKeys(d, true);
            }
        } else if (e.type() == RecordJournal.DELETE) {
            Long at = offsets.remove(e.payload());
            if (at != null) {
                byte[] payload = journal.payloadOrNull(at);
                if (payload != null) {
                    indexKeys(Records.decode(parse(payload)), false);
                } else {
                    count--; // its index keys stay behind; they name no record any more
                }
            }
        }
    }

    private void indexKeys(DecodedRecord d, boolean add) {
        for (byte[] k : IndexKeys.of(d)) {
            if (add) {
                index.put(k, EMPTY);
            } else {
                index.remove(k);
            }
        }
        count += add ? 1 : -1;
    }

    @Override
    public void put(DecodedRecord record) {
        if (!offsets.containsKey(record.id())) {
            long at = journal.append(RecordJournal.PUT, record.signed().toByteArray());
            offsets.put(record.id(), at);
            indexKeys(record, true);
            entriesSinceCheckpoint++;
        }
    }

    @Override
    public void delete(DecodedRecord record) {
        if (offsets.remove(record.id()) != null) {
            journal.append(RecordJournal.DELETE, record.id());
            indexKeys(record, false);
            entriesSinceCheckpoint++;
        }
    }

    @Override
    public void commit() {
        journal.commit();
        if (entriesSinceCheckpoint >= checkpointEntries
                || System.nanoTime() - lastCheckpointNanos >= CHECKPOINT_MS * 1_000_000) {
            checkpoint();
        }
    }

    /**
     * Commits MapDB up to the journal's committed end. The checkpoint file is removed first and
     * written again after, so a crash in between leaves no checkpoint and forces a rebuild.
     */
    private void checkpoint() {
        try {
            Files.deleteIfExists(checkpointFile);
            syncDirectory();
            db.commit();
            Path tmp = sibling(dbFile, ".checkpoint.tmp");
            ByteBuffer b = ByteBuffer.allocate(CHECKPOINT_MAGIC.length + 12);
            long at = journal.committedEnd();
            CRC32C c = new CRC32C();
            c.update(ByteBuffer.allocate(8).putLong(0, at));
            b.put(CHECKPOINT_MAGIC).putLong(at).putInt((int) c.getValue()).flip();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, checkpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot checkpoint record store " + dbFile, e);
        }
        entriesSinceCheckpoint = 0;
        lastCheckpointNanos = System.nanoTime();
    }

    /** The journal offset the MapDB file covers, or -1 without a valid checkpoint. */
    private long readCheckpoint() throws java.io.IOException {
        if (!Files.exists(checkpointFile) || !Files.exists(dbFile)) {
            return -1;
        }
        byte[] bytes = Files.readAllBytes(checkpointFile);
        if (bytes.length != CHECKPOINT_MAGIC.length + 12
                || !Arrays.equals(Arrays.copyOf(bytes, CHECKPOINT_MAGIC.length), CHECKPOINT_MAGIC)) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, CHECKPOINT_MAGIC.length, 12);
        long at = b.getLong();
        CRC32C c = new CRC32C();
        c.update(ByteBuffer.allocate(8).putLong(0, at));
        return (int) c.getValue() == b.getInt() && at >= RecordJournal.START ? at : -1;
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(dbFile.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory; the rename is still atomic
        }
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    @Override
    public Optional<SignedRecord> get(byte[] recordId) {
        return Optional.ofNullable(load(recordId));
    }

    /**
     * The record in the journal entry at {@code at} (record {@code recordId}, or null if unknown), or
     * null if the entry is damaged: the record is then dropped from the index (its peers give it back
     * by sync) and a warning names the offset.
     */
    private SignedRecord readOrDrop(byte[] recordId, long at) {
        byte[] payload = journal.payloadOrNull(at);
        if (payload != null) {
            try {
                return SignedRecord.parseFrom(payload);
            } catch (InvalidProtocolBufferException e) {
                // a valid checksum over bytes that are no record: treated as damage too
            }
        }
        LOG.warn("record store {}: the journal entry at offset {} is damaged (its checksum fails): its record is"
                + " dropped from the index (peers give it back by sync)", dbFile, at);
        if (recordId == null) {
            for (var e : offsets.getEntries()) {
                if (e.getValue() == at) {
                    recordId = e.getKey();
                    break;
                }
            }
        }
        if (recordId != null && offsets.remove(recordId) != null) {
            count--;
        }
        return null;
    }

    @Override
    public long damagedEntries() {
        return journal.damaged().size();
    }

    @Override
    public boolean contains(byte[] recordId) {
        return offsets.containsKey(recordId);
    }

    @Override
    public void forEach(Consumer<SignedRecord> action) {
        // in journal order: sequential reads
        long[] all = new long[(int) Math.min(Integer.MAX_VALUE - 8, count)];
        int n = 0;
        for (Long at : offsets.getValues()) {
            if (n == all.length) {
                all = Arrays.copyOf(all, all.length * 2 + 16);
            }
            all[n++] = at;
        }
        Arrays.sort(all, 0, n);
        for (int i = 0; i < n; i++) {
            SignedRecord r = readOrDrop(null, all[i]);
            if (r != null) {
                action.accept(r);
            }
        }
    }

    @Override
    public void forEachIdInBucket(int bucket, Consumer<byte[]> sink) {
        for (byte[] id : offsets.getKeys()) {
            if ((id[0] & 0xff) == bucket) {
                sink.accept(id);
            }
        }
    }

    @Override
    NavigableMap<byte[], ?> index() {
        return index;
    }

    @Override
    SignedRecord load(byte[] recordId) {
        Long at = offsets.get(recordId);
        return at == null ? null : readOrDrop(recordId, at);
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public void close() {
        if (db == null || db.isClosed()) {
            return;
        }
        try {
            if (journal.dirty()) {
                // staged writes are dropped: MapDB goes back to its last checkpoint, whose journal
                // tail the next open replays
                journal.rollback();
                db.rollback();
            } else {
                checkpoint();
            }
        } finally {
            closeDbQuietly();
            try {
                journal.close();
            } catch (java.io.IOException e) {
                LOG.warn("closing journal of {}: {}", dbFile, e.toString());
            }
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
