package io.colony.node.net.memory;

import java.util.Random;

/**
 * Behaviour of the links of an in-memory network: for each transmission, the delay before it
 * arrives, or a negative value to lose it. Draw randomness only from the given {@link Random} so a
 * run is reproducible for a fixed seed.
 */
@FunctionalInterface
public interface LinkModel {

    long delayMillis(String from, String to, Random random);

    /** Instant, lossless links. */
    static LinkModel perfect() {
        return (from, to, random) -> 0;
    }

    /** Fixed latency plus a uniform jitter in [0, jitterMillis]. */
    static LinkModel latency(long millis, long jitterMillis) {
        if (millis < 0 || jitterMillis < 0) {
            throw new IllegalArgumentException("latency and jitter must be >= 0");
        }
        return (from, to, random) -> millis + (jitterMillis == 0 ? 0 : (long) (random.nextDouble() * (jitterMillis + 1)));
    }

    /** This model, losing each transmission with the given probability. */
    default LinkModel withLoss(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("loss probability must be in [0, 1]");
        }
        return (from, to, random) -> random.nextDouble() < probability ? -1 : delayMillis(from, to, random);
    }
}
