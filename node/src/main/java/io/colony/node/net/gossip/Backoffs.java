package io.colony.node.net.gossip;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per topic and peer, the time until which we must not GRAFT (nor accept a GRAFT). Not thread-safe. */
final class Backoffs {

    private final Map<String, Map<String, Long>> until = new LinkedHashMap<>();

    boolean active(String topic, String peer, long now) {
        Map<String, Long> b = until.get(topic);
        Long t = b == null ? null : b.get(peer);
        return t != null && t > now;
    }

    /** Sets (or extends) a backoff. */
    void add(String topic, String peer, long untilMillis) {
        until.computeIfAbsent(topic, t -> new LinkedHashMap<>()).merge(peer, untilMillis, Math::max);
    }

    void expire(long now) {
        Iterator<Map<String, Long>> it = until.values().iterator();
        while (it.hasNext()) {
            Map<String, Long> b = it.next();
            b.values().removeIf(t -> t <= now);
            if (b.isEmpty()) {
                it.remove();
            }
        }
    }
}
