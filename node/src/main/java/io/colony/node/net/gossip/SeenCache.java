package io.colony.node.net.gossip;

import com.google.protobuf.ByteString;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Ids of messages seen recently, forgotten after a fixed time to live. Not thread-safe. */
final class SeenCache {

    private final long ttlMillis;
    private final LinkedHashMap<ByteString, Long> expiries = new LinkedHashMap<>();

    SeenCache(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    boolean contains(ByteString id) {
        return expiries.containsKey(id);
    }

    /** Records an id; returns false if it was already there. */
    boolean add(ByteString id, long now) {
        return expiries.putIfAbsent(id, now + ttlMillis) == null;
    }

    /** Drops expired ids (insertion order is expiry order, the clock being monotonic). */
    void prune(long now) {
        Iterator<Map.Entry<ByteString, Long>> it = expiries.entrySet().iterator();
        while (it.hasNext() && it.next().getValue() <= now) {
            it.remove();
        }
    }

    int size() {
        return expiries.size();
    }
}
