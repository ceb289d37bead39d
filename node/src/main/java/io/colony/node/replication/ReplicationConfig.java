package io.colony.node.replication;

/**
 * Tunables of replication.
 *
 * @param syncIntervalMs how often a node starts an anti-entropy round with one random peer, with jitter
 * @param maxIdsPerResponse cap on ids in one ids answer
 * @param maxFetchPerRequest cap on records asked for in one fetch, and on records in one push
 * @param maxResponseBytes cap on the encoded size of one answer (and of the records of one push)
 * @param requestTimeoutMs how long a sync request may take
 * @param refusedRetryMs how long a refused record id is not asked for again
 * @param maxBucketsPerRound how many differing buckets one round asks ids for
 * @param maxParallelRounds how many rounds a node runs at once (with different peers): rounds that
 *     make progress start the next one at once, up to this bound
 * @param observer told how many records each path (gossip, pull, push, forward, claim check) stored
 */
public record ReplicationConfig(long syncIntervalMs, int maxIdsPerResponse, int maxFetchPerRequest,
        int maxResponseBytes, long requestTimeoutMs, long refusedRetryMs, int maxBucketsPerRound,
        int maxParallelRounds, Observer observer) {

    /** How a record reached a node's store. */
    public enum Path {
        /** gossip on the colony topic */
        GOSSIP,
        /** fetched in an anti-entropy round this node started */
        PULL,
        /** pushed by a peer in a round that peer started on its timer */
        PUSH,
        /** pushed by a peer that had just learned it in an earlier round (passed on) */
        FORWARD,
        /** carried by a claim check (asked or answered) */
        CLAIM_CHECK
    }

    /** Told of records stored by replication, on the owner thread. */
    @FunctionalInterface
    public interface Observer {
        /** {@code count} records (held ones released by them included) reached {@code node}'s store by {@code path}. */
        void stored(String node, Path path, int count);

        /** Observes nothing. */
        Observer NONE = (node, path, count) -> { };
    }

    public ReplicationConfig {
        if (syncIntervalMs <= 0 || maxIdsPerResponse <= 0 || maxFetchPerRequest <= 0 || maxResponseBytes <= 0
                || requestTimeoutMs <= 0 || refusedRetryMs < 0) {
            throw new IllegalArgumentException("replication intervals, caps and timeouts must be positive");
        }
        if (maxBucketsPerRound < 1 || maxBucketsPerRound > SyncDigest.BUCKETS) {
            throw new IllegalArgumentException("buckets per round must be in 1.." + SyncDigest.BUCKETS);
        }
        if (maxParallelRounds < 1) {
            throw new IllegalArgumentException("at least one round at a time");
        }
        if (observer == null) {
            observer = Observer.NONE;
        }
    }

    public static ReplicationConfig defaults() {
        return new ReplicationConfig(2_000, 16_384, 512, 1 << 20, 5_000, 30_000, SyncDigest.BUCKETS, 3,
                Observer.NONE);
    }

    public ReplicationConfig withSyncIntervalMs(long ms) {
        return new ReplicationConfig(ms, maxIdsPerResponse, maxFetchPerRequest, maxResponseBytes, requestTimeoutMs,
                refusedRetryMs, maxBucketsPerRound, maxParallelRounds, observer);
    }

    public ReplicationConfig withRounds(int bucketsPerRound, int parallelRounds) {
        return new ReplicationConfig(syncIntervalMs, maxIdsPerResponse, maxFetchPerRequest, maxResponseBytes,
                requestTimeoutMs, refusedRetryMs, bucketsPerRound, parallelRounds, observer);
    }

    public ReplicationConfig withObserver(Observer o) {
        return new ReplicationConfig(syncIntervalMs, maxIdsPerResponse, maxFetchPerRequest, maxResponseBytes,
                requestTimeoutMs, refusedRetryMs, maxBucketsPerRound, maxParallelRounds, o);
    }
}
