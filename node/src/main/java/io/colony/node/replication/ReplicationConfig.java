package io.colony.node.replication;

/**
 * Tunables of replication.
 *
 * @param syncIntervalMs how often a node pulls from one random peer (anti-entropy), with jitter
 * @param maxIdsPerResponse cap on ids in one ids answer
 * @param maxFetchPerRequest cap on records asked for in one fetch
 * @param maxResponseBytes cap on the encoded size of one answer
 * @param requestTimeoutMs how long a sync request may take
 * @param refusedRetryMs how long a refused record id is not asked for again
 * @param maxBucketsPerRound how many differing buckets one round asks ids for
 */
public record ReplicationConfig(long syncIntervalMs, int maxIdsPerResponse, int maxFetchPerRequest,
        int maxResponseBytes, long requestTimeoutMs, long refusedRetryMs, int maxBucketsPerRound) {

    public static ReplicationConfig defaults() {
        return new ReplicationConfig(2_000, 16_384, 512, 1 << 20, 5_000, 30_000, 32);
    }

    public ReplicationConfig withSyncIntervalMs(long ms) {
        return new ReplicationConfig(ms, maxIdsPerResponse, maxFetchPerRequest, maxResponseBytes, requestTimeoutMs,
                refusedRetryMs, maxBucketsPerRound);
    }
}
