package io.colony.node.store;

import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * The index queries of the stores, over a sorted map of {@link IndexKeys}: subclasses give the map and
 * how to load the record an index key names.
 */
abstract class IndexedRecordStore implements RecordStore {

    /** The sorted index (keys compare as unsigned bytes). */
    abstract NavigableMap<byte[], ?> index();

    /** The record with this id, or null if it is gone. */
    abstract SignedRecord load(byte[] recordId);

    @Override
    public final List<SignedRecord> byProcess(byte[] processId) {
        return range(IndexKeys.PROCESS, processId);
    }

    @Override
    public final List<SignedRecord> logsOf(byte[] processId) {
        return range(IndexKeys.LOG, processId);
    }

    @Override
    public final List<SignedRecord> membership() {
        return range(IndexKeys.MEMBERSHIP, null);
    }

    @Override
    public final List<SignedRecord> triggers() {
        return range(IndexKeys.TRIGGER, null);
    }

    private List<SignedRecord> range(byte tag, byte[] processId) {
        List<SignedRecord> out = new ArrayList<>();
        for (byte[] k : index().subMap(IndexKeys.from(tag, processId), true, IndexKeys.to(tag, processId), false)
                .keySet()) {
            SignedRecord r = load(IndexKeys.recordId(k));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }
}
