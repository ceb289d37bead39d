package io.colony.simulations;

import io.colony.node.net.memory.LinkModel;
import java.util.Random;

/**
 * Link behaviour of a simulation: every directed link has its own base latency (in [0.5, 1.5] times
 * the mean, derived from the seed and the link's ends), plus uniform jitter per message, plus loss while
 * faults are on. All randomness comes from the hub's seeded {@link Random}.
 */
final class LinkFaults implements LinkModel {

    private final long seed;
    private final long latencyMs;
    private final long jitterMs;
    private final double loss;
    private boolean faults = true;

    LinkFaults(long seed, long latencyMs, long jitterMs, double loss) {
        this.seed = seed;
        this.latencyMs = latencyMs;
        this.jitterMs = jitterMs;
        this.loss = loss;
    }

    /** Turns message loss on or off. */
    void faults(boolean on) {
        this.faults = on;
    }

    @Override
    public long delayMillis(String from, String to, Random random) {
        if (faults && loss > 0 && random.nextDouble() < loss) {
            return -1;
        }
        long jitter = jitterMs == 0 ? 0 : (long) (random.nextDouble() * (jitterMs + 1));
        return baseLatency(from, to) + jitter;
    }

    /** The fixed latency of the link from {@code from} to {@code to}. */
    long baseLatency(String from, String to) {
        long h = seed * 0x9E3779B97F4A7C15L + from.hashCode() * 31L + to.hashCode();
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        double u = (h >>> 11) * 0x1.0p-53;
        return Math.round(latencyMs * (0.5 + u));
    }
}
