package io.colony.node.store;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.pb.SignedRecord;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Durable set of authentic ledger records, indexed by record id and by process. Writes are staged
 * with {@link #put} and made durable together by {@link #commit()} (group commit): a record is
 * acknowledged only after the commit that includes it returned. Staged writes are visible to reads
 * before the commit. Not thread-safe: the ledger owns it.
 */
public interface RecordStore extends AutoCloseable {

    /** Stages a record (idempotent). Not durable until {@link #commit()}. */
    void put(DecodedRecord record);

    /** Removes a staged or committed record (used to drop old log lines). */
    void delete(DecodedRecord record);

    /** Makes every staged write durable. */
    void commit();

    /** Stages all records and commits once. */
    default void putAll(Collection<DecodedRecord> records) {
        records.forEach(this::put);
        commit();
    }

    /** The record with this id. */
    Optional<SignedRecord> get(byte[] recordId);

    /** True if a record with this id is stored. */
    boolean contains(byte[] recordId);

    /** Every stored record, in no particular order. */
    void forEach(Consumer<SignedRecord> action);

    /** The non-log records of a process (its Submit or workflow record included), in (timestamp, id) order. */
    List<SignedRecord> byProcess(byte[] processId);

    /** The LogAppend records of a process, in (timestamp, id) order. */
    List<SignedRecord> logsOf(byte[] processId);

    /** Admit and Revoke records, in (timestamp, id) order. */
    List<SignedRecord> membership();

    /** CronAdd, GeneratorAdd, GeneratorPack and TriggerRemove records, in (timestamp, id) order. */
    List<SignedRecord> triggers();

    /**
     * Feeds the id of every stored record whose first byte is {@code bucket} (0-255) to the sink,
     * in no particular order. Used by anti-entropy sync; stores should override the full scan.
     */
    default void forEachIdInBucket(int bucket, Consumer<byte[]> sink) {
        forEach(r -> {
            byte[] id = io.colony.protocol.Records.recordId(r);
            if ((id[0] & 0xff) == bucket) {
                sink.accept(id);
            }
        });
    }

    /** Number of stored records. */
    long count();

    /** Damaged journal entries found (skipped at open or when read); 0 for stores without a journal. */
    default long damagedEntries() {
        return 0;
    }

    /** Closes the store; staged writes not committed are lost. */
    @Override
    void close();
}
