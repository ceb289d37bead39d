package io.colony.node.store;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Ids;
import io.colony.protocol.RecordKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sorted index keys shared by the store implementations. Keys compare as unsigned bytes, so a
 * process's entries sort by (timestamp, rank, record id), the ledger's fold order; rank is 0 for the
 * Submit or SubmitWorkflow record and 1 for the others, so a record stamped in the same millisecond as
 * its Submit folds after it:
 * <ul>
 *   <li>{@code 'P' || process id || timestamp (8, BE) || rank (1) || record id}: non-log process records</li>
 *   <li>{@code 'L' || process id || timestamp || 1 || record id}: log records</li>
 *   <li>{@code 'M' || timestamp || record id}: membership records</li>
 *   <li>{@code 'T' || timestamp || record id}: cron and generator records (not the processes they submit)</li>
 * </ul>
 * The record id is always the key's last 32 bytes.
 */
final class IndexKeys {
    static final byte PROCESS = 'P';
    static final byte LOG = 'L';
    static final byte MEMBERSHIP = 'M';
    static final byte TRIGGER = 'T';

    private IndexKeys() {
    }

    /** All index keys of a record (a workflow record is indexed under each member process). */
    static List<byte[]> of(DecodedRecord r) {
        List<byte[]> keys = new ArrayList<>(r.processIds().size() + 1);
        if (r.kind().isMembership() || r.kind().isTrigger()) {
            keys.add(ByteBuffer.allocate(1 + 8 + Ids.ID_BYTES).put(r.kind().isTrigger() ? TRIGGER : MEMBERSHIP)
                    .putLong(r.timestampMs()).put(r.id()).array());
            return keys;
        }
        byte tag = r.kind() == RecordKind.LOG ? LOG : PROCESS;
        byte rank = (byte) (r.kind() == RecordKind.SUBMIT || r.kind() == RecordKind.SUBMIT_WORKFLOW ? 0 : 1);
        for (byte[] pid : r.processIds()) {
            keys.add(ByteBuffer.allocate(1 + Ids.ID_BYTES + 8 + 1 + Ids.ID_BYTES).put(tag).put(pid)
                    .putLong(r.timestampMs()).put(rank).put(r.id()).array());
        }
        return keys;
    }

    /** Smallest key with this prefix. */
    static byte[] from(byte tag, byte[] processId) {
        byte[] k = new byte[1 + (processId == null ? 0 : processId.length)];
        k[0] = tag;
        if (processId != null) {
            System.arraycopy(processId, 0, k, 1, processId.length);
        }
        return k;
    }

    /** A key greater than every key with this prefix. */
    static byte[] to(byte tag, byte[] processId) {
        byte[] k = from(tag, processId);
        byte[] t = Arrays.copyOf(k, k.length + 1);
        t[k.length] = (byte) 0xff;
        // every real key with the prefix continues with timestamp bytes; timestamps are positive, so
        // their first byte is < 0xff and prefix||0xff is an exclusive upper bound
        return t;
    }

    /** The record id at the end of an index key. */
    static byte[] recordId(byte[] key) {
        return Arrays.copyOfRange(key, key.length - Ids.ID_BYTES, key.length);
    }
}
