package io.colony.cli.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a chaos run does.
 *
 * @param nodes      node processes (at least 3, so that one can be down while a majority is up)
 * @param processes  processes submitted
 * @param killEvery  period of the kill/restart schedule
 * @param duration   longest time nodes are killed (killing stops earlier once every process ended)
 * @param seed       seed of every random choice (nodes, sleeps, victims, downtimes)
 * @param dataDir    root of the nodes' data dirs; {@code null}: a fresh temporary directory
 * @param keep       keep the data dirs (journals, ledgers, logs) afterwards
 * @param capacity   processes each node runs in parallel
 * @param leaseMs    lease length of the nodes' claims
 * @param maxSleepMs longest sleep of a process (sleeps are uniform in [maxSleepMs / 5, maxSleepMs])
 * @param settleTimeout how long to wait, after killing stopped, for every process to end everywhere
 */
record ChaosSettings(int nodes, int processes, Duration killEvery, Duration duration, long seed, Path dataDir,
        boolean keep, int capacity, long leaseMs, long maxSleepMs, Duration settleTimeout) {

    /** Upper bounds that keep a typo from forking a thousand JVMs. */
    static final int MAX_NODES = 32;
    static final int MAX_PROCESSES = 100_000;

    /** Checks the values; throws IllegalArgumentException with one readable line. */
    ChaosSettings {
        if (nodes < 3 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be in 3.." + MAX_NODES);
        }
        if (processes < 1 || processes > MAX_PROCESSES) {
            throw new IllegalArgumentException("--processes must be in 1.." + MAX_PROCESSES);
        }
        if (killEvery.toMillis() < 100) {
            throw new IllegalArgumentException("--kill-every must be at least 100ms");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("--duration must not be negative");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("--capacity must be >= 1");
        }
        if (leaseMs < 500) {
            throw new IllegalArgumentException("--lease-ms must be >= 500");
        }
        if (maxSleepMs < 5 || maxSleepMs > 3_600_000) {
            throw new IllegalArgumentException("--max-sleep-ms must be in 5..3600000");
        }
    }

    /** Nodes that must stay up: a majority. */
    int majority() {
        return nodes / 2 + 1;
    }
}
