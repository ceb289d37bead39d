package io.colony.node.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down peers that fail to prove colony membership: after each failure of a peer id, and of a
 * remote host (IP address), new connections from it are refused for a while, doubling with every
 * failure ({@value #BASE_MS} ms, 2 s, 4 s, ... at most {@value #MAX_MS} ms); a key or host without
 * failure for {@value #FORGET_MS} ms starts again from the beginning. At most
 * {@value #MAX_UNVERIFIED} connections may wait for their proof at once. Keys already known as
 * members are never slowed down. Thread-safe.
 */
final class PeerBackoff {

    static final long BASE_MS = 1_000;
    static final long MAX_MS = 300_000;
    static final long FORGET_MS = 3_600_000;
    static final int MAX_UNVERIFIED = 32;
    private static final int MAX_ENTRIES = 10_000;

    private record Strike(int count, long until, long last) {
    }

    private final Map<String, Strike> strikes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Strike> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** Notes a failed membership proof of {@code peer} from {@code host} (empty if unknown). */
    synchronized void failed(String peer, String host, long now) {
        strike("peer " + peer, now);
        if (host != null && !host.isEmpty()) {
            strike("host " + host, now);
        }
    }

    private void strike(String key, long now) {
        Strike old = strikes.get(key);
        int count = old == null || now - old.last() > FORGET_MS ? 1 : old.count() + 1;
        long wait = BASE_MS << Math.min(count - 1, 20);
        strikes.put(key, new Strike(count, now + Math.min(MAX_MS, wait), now));
    }

    /** Why a connection of an unproven key must be refused now, or null. */
    synchronized String refusal(String peer, String host, long now, int unverified) {
        if (unverified >= MAX_UNVERIFIED) {
            return "too many connections waiting for a membership proof (" + unverified + ")";
        }
        Strike p = strikes.get("peer " + peer);
        if (p != null && p.until() > now) {
            return "peer failed to prove membership " + p.count() + " times; backing off "
                    + (p.until() - now) + " ms";
        }
        Strike h = host == null || host.isEmpty() ? null : strikes.get("host " + host);
        if (h != null && h.until() > now) {
            return "host " + host + " failed to prove membership " + h.count() + " times; backing off "
                    + (h.until() - now) + " ms";
        }
        return null;
    }
}
