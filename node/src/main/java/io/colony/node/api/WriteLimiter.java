package io.colony.node.api;

import java.util.HashMap;
import java.util.Map;

/** A token bucket per member for writes: {@code rate} per second, at most {@code burst} at once. Thread-safe. */
final class WriteLimiter {

    private static final int MAX_KEYS = 100_000;

    private static final class Bucket {
        double tokens;
        long lastMs;
    }

    private final double rate;
    private final int burst;
    private final Map<String, Bucket> buckets = new HashMap<>();

    WriteLimiter(double rate, int burst) {
        this.rate = rate;
        this.burst = burst;
    }

    /** Takes a token for {@code key}; returns 0 if granted, else the milliseconds until one is available. */
    synchronized long take(String key, long nowMs) {
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= MAX_KEYS) {
                buckets.values().removeIf(x -> refill(x, nowMs) >= burst);
            }
            b = new Bucket();
            b.tokens = burst;
            b.lastMs = nowMs;
            buckets.put(key, b);
        }
        refill(b, nowMs);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b.tokens) * 1000 / rate));
    }

    private double refill(Bucket b, long nowMs) {
        if (nowMs > b.lastMs) {
            b.tokens = Math.min(burst, b.tokens + (nowMs - b.lastMs) * rate / 1000);
            b.lastMs = nowMs;
        }
        return b.tokens;
    }
}
