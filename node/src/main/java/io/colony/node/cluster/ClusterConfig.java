package io.colony.node.cluster;

/**
 * Tunables of colony membership on the network.
 *
 * @param targetPeers how many peers a node tries to stay connected to
 * @param maintainMs how often connections are checked and new peers dialled
 * @param probationMs how long an unknown key may stay connected without proving membership
 * @param helloTimeoutMs how long a hello exchange may take
 * @param maxKnownPeers cap on remembered peers (peer exchange)
 */
public record ClusterConfig(int targetPeers, long maintainMs, long probationMs, long helloTimeoutMs,
        int maxKnownPeers) {

    public static ClusterConfig defaults() {
        return new ClusterConfig(8, 2_000, 10_000, 5_000, 1_000);
    }

    public ClusterConfig withMaintainMs(long ms) {
        return new ClusterConfig(targetPeers, ms, probationMs, helloTimeoutMs, maxKnownPeers);
    }
}
