package io.colony.simulations;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Follows every record created in the colony until every node stores it: the time that took (all
 * records, and separately those created while no fault was active), and which records a set of nodes
 * still lacks (to time convergence after a partition heals).
 */
final class Propagation {

    /** One record on its way to every node. */
    private static final class Track {
        final long createdMs;
        final boolean clean;
        final BitSet holders;
        int count;

        Track(long createdMs, boolean clean, int nodes) {
            this.createdMs = createdMs;
            this.clean = clean;
            this.holders = new BitSet(nodes);
        }
    }

    private final int nodes;
    private final Map<Long, Track> open = new HashMap<>();
    private final List<Long> all = new ArrayList<>();
    private final List<Long> clean = new ArrayList<>();
    private long created;

    Propagation(int nodes) {
        this.nodes = nodes;
    }

    /** A node stored a record (the first store is its creation). */
    void stored(int node, byte[] recordId, long nowMs, boolean faultFree) {
        long key = ByteBuffer.wrap(recordId).getLong();
        Track t = open.get(key);
        if (t == null) {
            t = new Track(nowMs, faultFree, nodes);
            open.put(key, t);
            created++;
        }
        if (!t.holders.get(node)) {
            t.holders.set(node);
            if (++t.count == nodes) {
                open.remove(key);
                all.add(nowMs - t.createdMs);
                if (t.clean) {
                    clean.add(nowMs - t.createdMs);
                }
            }
        }
    }

    /** Keys of the records created before now that some node of {@code among} still lacks. */
    List<Long> missingAmong(BitSet among) {
        List<Long> out = new ArrayList<>();
        for (Map.Entry<Long, Track> e : open.entrySet()) {
            if (!covers(e.getValue(), among)) {
                out.add(e.getKey());
            }
        }
        out.sort(null);
        return out;
    }

    /** Drops from {@code keys} the records every node of {@code among} now holds. */
    void retainMissing(List<Long> keys, BitSet among) {
        for (Iterator<Long> it = keys.iterator(); it.hasNext(); ) {
            Track t = open.get(it.next());
            if (t == null || covers(t, among)) {
                it.remove();
            }
        }
    }

    private static boolean covers(Track t, BitSet among) {
        BitSet lacking = (BitSet) among.clone();
        lacking.andNot(t.holders);
        return lacking.isEmpty();
    }

    /** Records seen so far. */
    long created() {
        return created;
    }

    /** Records that reached every node. */
    long complete() {
        return all.size();
    }

    /** Times (ms) for a record to reach every node. */
    List<Long> allTimes() {
        return all;
    }

    /** As {@link #allTimes()}, for records created while no partition or crash was in effect. */
    List<Long> cleanTimes() {
        return clean;
    }

    /** The q-quantile (0..1) of the times, or -1 if there are none. */
    static long quantile(List<Long> times, double q) {
        if (times.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(times);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }
}
