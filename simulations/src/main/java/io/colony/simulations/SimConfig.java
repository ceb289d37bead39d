package io.colony.simulations;

/**
 * Parameters of one simulation run. All times are virtual milliseconds. Faults (loss, the partition,
 * crashes) happen only during {@code durationMs}; afterwards the network heals, crashed nodes restart
 * and the run continues until every process is final and every ledger converged (at most
 * {@code quietMs}).
 *
 * @param nodes colony nodes
 * @param executors how many of the nodes run an executor (the first ones)
 * @param capacity processes one executor runs at once
 * @param processes processes submitted, spread uniformly over the first half of {@code durationMs}
 * @param seed the seed of every random choice
 * @param durationMs length of the fault window
 * @param quietMs longest time after the fault window to wait for completion and convergence
 * @param latencyMs mean one-way link latency (each link gets its own base in [0.5, 1.5] x this)
 * @param jitterMs uniform extra delay per message, in [0, jitterMs]
 * @param loss probability that a message is lost (during the fault window)
 * @param partitionAtMs when the partition starts (negative: no partition)
 * @param partitionForMs how long the partition lasts
 * @param partitionFraction share of the nodes cut off from the rest
 * @param crashRate crashes per node per minute of virtual time (during the fault window)
 * @param restartAfterMs mean downtime of a crashed node
 * @param skewMs clock skew of each node, uniform in [-skewMs, skewMs]
 * @param slowFraction share of the executors that are slow
 * @param slowFactor how much longer a slow executor takes
 * @param runMeanMs mean run time of a process (log-normal)
 * @param maxRetries maxretries of every submitted process
 * @param leaseMs executor lease length
 * @param settleMs executor settle delay between claim and start
 * @param syncIntervalMs mean anti-entropy period
 * @param degree peers each node dials when it (re)joins
 * @param forged forged records injected by a non-member
 */
public record SimConfig(int nodes, int executors, int capacity, int processes, long seed, long durationMs,
                        long quietMs, long latencyMs, long jitterMs, double loss, long partitionAtMs,
                        long partitionForMs, double partitionFraction, double crashRate, long restartAfterMs,
                        long skewMs, double slowFraction, double slowFactor, long runMeanMs, int maxRetries,
                        long leaseMs, long settleMs, long syncIntervalMs, int degree, int forged) {

    /** Validates the values; the message names the first bad one. */
    public SimConfig {
        require(nodes >= 2, "nodes must be at least 2");
        require(executors >= 1 && executors <= nodes, "executors must be between 1 and the number of nodes");
        require(capacity >= 1, "capacity must be at least 1");
        require(processes >= 0, "processes must be >= 0");
        require(durationMs > 0 && quietMs > 0, "duration and quiet time must be positive");
        require(latencyMs >= 0 && jitterMs >= 0, "latency and jitter must be >= 0");
        require(loss >= 0 && loss < 1, "loss must be in [0, 1)");
        require(partitionFraction > 0 && partitionFraction < 1, "the partitioned fraction must be in (0, 1)");
        require(partitionForMs >= 0, "the partition length must be >= 0");
        require(crashRate >= 0 && restartAfterMs >= 0, "crash rate and restart delay must be >= 0");
        require(skewMs >= 0, "skew must be >= 0");
        require(slowFraction >= 0 && slowFraction <= 1 && slowFactor >= 1,
                "slow executors: fraction in [0, 1], factor >= 1");
        require(runMeanMs > 0, "the mean run time must be positive");
        require(maxRetries >= 0, "retries must be >= 0");
        require(syncIntervalMs > 0, "the sync interval must be positive");
        require(degree >= 1, "degree must be at least 1");
        require(forged >= 0, "forged must be >= 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A small fault-free colony: 10 nodes, 5 executors, 50 processes, 60 s. */
    public static SimConfig defaults() {
        return new SimConfig(10, 5, 2, 50, 1, 60_000, 300_000, 20, 10, 0, -1, 20_000, 0.3, 0, 5_000, 0,
                0, 5, 2_000, 10, 10_000, 1_000, 1_000, 4, 4);
    }

    public SimConfig withNodes(int n, int executorCount) {
        return new SimConfig(n, executorCount, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs,
                loss, partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs,
                slowFraction, slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withProcesses(int n) {
        return new SimConfig(nodes, executors, capacity, n, seed, durationMs, quietMs, latencyMs, jitterMs, loss,
                partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs, slowFraction,
                slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withSeed(long s) {
        return new SimConfig(nodes, executors, capacity, processes, s, durationMs, quietMs, latencyMs, jitterMs, loss,
                partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs, slowFraction,
                slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withDuration(long ms) {
        return new SimConfig(nodes, executors, capacity, processes, seed, ms, quietMs, latencyMs, jitterMs, loss,
                partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs, slowFraction,
                slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withLinks(long latency, long jitter, double lossRate) {
        return new SimConfig(nodes, executors, capacity, processes, seed, durationMs, quietMs, latency, jitter,
                lossRate, partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs,
                slowFraction, slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withPartition(long atMs, long forMs, double fraction) {
        return new SimConfig(nodes, executors, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs,
                loss, atMs, forMs, fraction, crashRate, restartAfterMs, skewMs, slowFraction, slowFactor, runMeanMs,
                maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withCrashes(double perNodePerMinute, long restartAfter) {
        return new SimConfig(nodes, executors, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs,
                loss, partitionAtMs, partitionForMs, partitionFraction, perNodePerMinute, restartAfter, skewMs,
                slowFraction, slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withSkew(long ms) {
        return new SimConfig(nodes, executors, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs,
                loss, partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, ms, slowFraction,
                slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withSlowExecutors(double fraction, double factor) {
        return new SimConfig(nodes, executors, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs,
                loss, partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs, fraction,
                factor, runMeanMs, maxRetries, leaseMs, settleMs, syncIntervalMs, degree, forged);
    }

    public SimConfig withExecution(long runMean, int retries, long lease, long settle) {
        return new SimConfig(nodes, executors, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs,
                loss, partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs,
                slowFraction, slowFactor, runMean, retries, lease, settle, syncIntervalMs, degree, forged);
    }

    public SimConfig withGossip(long syncInterval, int peers, int forgedRecords) {
        return new SimConfig(nodes, executors, capacity, processes, seed, durationMs, quietMs, latencyMs, jitterMs,
                loss, partitionAtMs, partitionForMs, partitionFraction, crashRate, restartAfterMs, skewMs,
                slowFraction, slowFactor, runMeanMs, maxRetries, leaseMs, settleMs, syncInterval, peers, forgedRecords);
    }

    /** True if the run has a partition. */
    public boolean hasPartition() {
        return partitionAtMs >= 0;
    }
}
