package io.colony.node.net.gossip;

import com.google.protobuf.ByteString;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * IWANT promises: when we ask a peer for a message it advertised, it must deliver it (or anyone
 * must) before a deadline, or it broke its promise. Not thread-safe.
 */
final class Promises {

    private final Map<ByteString, Map<String, Long>> deadlines = new LinkedHashMap<>();

    boolean pending(ByteString id) {
        return deadlines.containsKey(id);
    }

    void add(ByteString id, String peer, long deadline) {
        deadlines.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(peer, deadline);
    }

    /** The message arrived: every promise for it is kept. */
    void fulfil(ByteString id) {
        deadlines.remove(id);
    }

    /** Drops the promises past their deadline, reporting each breaking peer once per promise. */
    void expire(long now, Consumer<String> broken) {
        Iterator<Map<String, Long>> it = deadlines.values().iterator();
        while (it.hasNext()) {
            Map<String, Long> byPeer = it.next();
            byPeer.entrySet().removeIf(e -> {
                if (e.getValue() > now) {
                    return false;
                }
                broken.accept(e.getKey());
                return true;
            });
            if (byPeer.isEmpty()) {
                it.remove();
            }
        }
    }
}
