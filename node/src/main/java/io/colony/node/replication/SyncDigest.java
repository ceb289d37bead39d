package io.colony.node.replication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A digest of a set of 32-byte record ids, split into 256 buckets by the id's first byte. Each
 * bucket keeps the XOR of its ids and their count, updated incrementally as ids are added. Two
 * nodes holding the same set have the same digest; the buckets that differ are found by comparing
 * 256 entries, and only their ids need to be exchanged.
 *
 * <p>Not thread-safe: owned by the node's ledger thread.
 */
public final class SyncDigest {

    public static final int BUCKETS = 256;
    public static final int ID_BYTES = 32;

    private final byte[][] xor = new byte[BUCKETS][ID_BYTES];
    private final int[] count = new int[BUCKETS];

    /** Adds an id (callers add each id once). */
    public void add(byte[] id) {
        checkLength(id);
        int b = bucketOf(id);
        byte[] x = xor[b];
        for (int i = 0; i < ID_BYTES; i++) {
            x[i] ^= id[i];
        }
        count[b]++;
    }

    /** Removes an id that was added before (XOR is its own inverse). */
    public void remove(byte[] id) {
        checkLength(id);
        int b = bucketOf(id);
        byte[] x = xor[b];
        for (int i = 0; i < ID_BYTES; i++) {
            x[i] ^= id[i];
        }
        count[b]--;
    }

    private static void checkLength(byte[] id) {
        if (id.length != ID_BYTES) {
            throw new IllegalArgumentException("record id must be " + ID_BYTES + " bytes, got " + id.length);
        }
    }

    public static int bucketOf(byte[] id) {
        return id[0] & 0xff;
    }

    public byte[] bucketXor(int bucket) {
        return xor[bucket].clone();
    }

    public int bucketCount(int bucket) {
        return count[bucket];
    }

    public long total() {
        long t = 0;
        for (int c : count) {
            t += c;
        }
        return t;
    }

    /** Buckets whose entry differs from the other side's (xors and counts of 256 buckets each). */
    public List<Integer> differing(List<byte[]> otherXor, List<Integer> otherCount) {
        if (otherXor.size() != BUCKETS || otherCount.size() != BUCKETS) {
            throw new IllegalArgumentException("a digest has " + BUCKETS + " buckets");
        }
        List<Integer> out = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            if (count[b] != otherCount.get(b) || !Arrays.equals(xor[b], otherXor.get(b))) {
                out.add(b);
            }
        }
        return out;
    }
}
