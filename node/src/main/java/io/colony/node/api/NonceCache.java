package io.colony.node.api;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The request nonces seen in the last {@link #TTL_MS} per key, to refuse replays. Bounded: at most
 * {@code perKey} nonces per key and {@code total} overall; a request that would go beyond is refused
 * (never accepted unrecorded). Thread-safe.
 */
final class NonceCache {

    /** How long a nonce is remembered: a request's timestamp is accepted within +-30 s, so 60 s covers it. */
    static final long TTL_MS = 60_000;

    /** Outcome of {@link #add}. */
    enum Result { FRESH, REPLAY, FULL }

    private record Seen(String nonce, long expiresMs) {
    }

    private static final class PerKey {
        final ArrayDeque<Seen> order = new ArrayDeque<>();
        final Set<String> nonces = new HashSet<>();
    }

    private final int perKey;
    private final int total;
    private final Map<String, PerKey> byKey = new HashMap<>();
    private int size;
    private long nextSweep;

    NonceCache(int perKey, int total) {
        this.perKey = perKey;
        this.total = total;
    }

    /** Records {@code nonce} of {@code key} at {@code nowMs}, unless it was seen within the TTL. */
    synchronized Result add(String key, String nonce, long nowMs) {
        if (nowMs >= nextSweep) {
            sweep(nowMs);
            nextSweep = nowMs + 1_000;
        }
        PerKey k = byKey.get(key);
        if (k != null) {
            expire(k, nowMs);
            if (k.nonces.contains(nonce)) {
                return Result.REPLAY;
            }
        }
        if (size >= total || (k != null && k.nonces.size() >= perKey)) {
            return Result.FULL;
        }
        if (k == null) {
            k = new PerKey();
            byKey.put(key, k);
        }
        k.nonces.add(nonce);
        k.order.addLast(new Seen(nonce, nowMs + TTL_MS));
        size++;
        return Result.FRESH;
    }

    /** Nonces remembered now. */
    synchronized int size() {
        return size;
    }

    private void expire(PerKey k, long nowMs) {
        while (!k.order.isEmpty() && k.order.peekFirst().expiresMs() <= nowMs) {
            k.nonces.remove(k.order.pollFirst().nonce());
            size--;
        }
    }

    private void sweep(long nowMs) {
        var it = byKey.values().iterator();
        while (it.hasNext()) {
            PerKey k = it.next();
            expire(k, nowMs);
            if (k.order.isEmpty()) {
                it.remove();
            }
        }
    }
}
