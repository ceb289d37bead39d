package io.colony.node.ledger;

import io.colony.protocol.DecodedRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records that are authentic but cannot be judged yet, kept in memory only (never stored, lost on
 * restart: anti-entropy offers them again): records whose process's Submit has not arrived, and
 * records whose signer is not (yet) known as a member. At most {@code max} records and
 * {@link #MAX_BYTES} bytes in all; beyond that the oldest are dropped.
 */
final class HeldRecords {
    /** Most bytes of held records (envelopes). */
    static final long MAX_BYTES = 32L << 20;
    private final int max;
    private long bytes;
    private final LinkedHashMap<IdKey, List<DecodedRecord>> orphans = new LinkedHashMap<>();
    private final LinkedHashMap<IdKey, DecodedRecord> strangers = new LinkedHashMap<>();
    private int size;

    HeldRecords(int max) {
        this.max = max;
    }

    /** Holds a record until process {@code processId} is known. */
    void holdOrphan(IdKey processId, DecodedRecord r) {
        List<DecodedRecord> list = orphans.computeIfAbsent(processId, k -> new ArrayList<>(2));
        for (DecodedRecord h : list) {
            if (java.util.Arrays.equals(h.id(), r.id())) {
                return;
            }
        }
        list.add(r);
        size++;
        bytes += r.signed().getSerializedSize();
        evict();
    }

    /** Holds a record until its signer's membership changes. */
    void holdStranger(DecodedRecord r) {
        if (strangers.putIfAbsent(IdKey.of(r.id()), r) == null) {
            size++;
            bytes += r.signed().getSerializedSize();
            evict();
        }
    }

    /** Removes and returns the records waiting for process {@code processId}. */
    List<DecodedRecord> releaseOrphans(IdKey processId) {
        List<DecodedRecord> list = orphans.remove(processId);
        if (list == null) {
            return List.of();
        }
        size -= list.size();
        list.forEach(r -> bytes -= r.signed().getSerializedSize());
        return list;
    }

    /** Removes and returns every record waiting for a membership change. */
    List<DecodedRecord> releaseStrangers() {
        List<DecodedRecord> list = new ArrayList<>(strangers.values());
        strangers.clear();
        size -= list.size();
        list.forEach(r -> bytes -= r.signed().getSerializedSize());
        return list;
    }

    int size() {
        return size;
    }

    private void evict() {
        while (size > max || bytes > MAX_BYTES) {
            DecodedRecord dropped;
            if (!strangers.isEmpty() && (orphans.isEmpty() || strangers.size() >= size / 2)) {
                Iterator<DecodedRecord> it = strangers.values().iterator();
                dropped = it.next();
                it.remove();
                size--;
            } else {
                Iterator<Map.Entry<IdKey, List<DecodedRecord>>> it = orphans.entrySet().iterator();
                Map.Entry<IdKey, List<DecodedRecord>> eldest = it.next();
                dropped = eldest.getValue().remove(0);
                size--;
                if (eldest.getValue().isEmpty()) {
                    it.remove();
                }
            }
            bytes -= dropped.signed().getSerializedSize();
        }
    }
}
