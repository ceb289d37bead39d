package io.colony.node.net.gossip;

/**
 * Parameters of the gossipsub v1.1 router. Defaults follow the gossipsub v1.0/v1.1 specifications;
 * the scoring weights are Colony's choice (only P4 and P7 are scored). Build with
 * {@code GossipConfig.builder()}, change public fields of the builder, then {@code build()}.
 */
public final class GossipConfig {

    /** Target mesh degree. */
    public final int d;
    /** Lower bound of the mesh degree; below it the heartbeat grafts. */
    public final int dLo;
    /** Upper bound of the mesh degree; above it the heartbeat prunes. */
    public final int dHi;
    /** Number of peers to emit gossip to per topic and heartbeat (at least). */
    public final int dLazy;
    /** Peers kept by score when pruning an oversubscribed mesh. */
    public final int dScore;
    /** Outbound connections the mesh should hold. */
    public final int dOut;
    /** Fraction of the eligible peers gossip is emitted to, if more than {@link #dLazy}. */
    public final double gossipFactor;
    public final long heartbeatMillis;
    public final long fanoutTtlMillis;
    /** Heartbeat windows kept in the message cache. */
    public final int mcacheLength;
    /** Windows of the message cache advertised in IHAVE gossip. */
    public final int mcacheGossip;
    public final long seenTtlMillis;
    public final long pruneBackoffMillis;
    public final long unsubscribeBackoffMillis;
    /** Peers offered in peer exchange on PRUNE. */
    public final int prunePeers;
    /** Time a peer has to deliver a message it advertised and we asked for. */
    public final long iwantFollowupMillis;
    /** Times a message is sent to the same peer in answer to IWANT. */
    public final int gossipRetransmission;
    /** Message ids we ask one peer for per heartbeat. */
    public final int maxIHaveLength;
    /** IHAVE messages accepted from one peer per heartbeat. */
    public final int maxIHaveMessages;
    /** Messages sent in answer to IWANT to one peer per heartbeat. */
    public final int maxIWantReplies;
    /** Publish to all topic peers above the publish threshold, not only the mesh. */
    public final boolean floodPublish;
    /**
     * Largest encoded RPC frame accepted (4 MiB like js-libp2p, whose IWANT answers can batch many
     * messages). Our own RPCs are packed to about {@link #maxMessageSize} plus 128 KiB.
     */
    public final int maxRpcSize;
    /** Largest message payload ({@code data}) accepted or published. */
    public final int maxMessageSize;
    /** Most subscriptions accepted in one RPC, and topics tracked per peer. */
    public final int maxTopicsPerPeer;
    /** Longest topic name accepted. */
    public final int maxTopicLength;
    public final double gossipThreshold;
    public final double publishThreshold;
    public final double graylistThreshold;
    public final double acceptPxThreshold;
    /** Weight of P4, the square of the invalid message deliveries counter (negative). */
    public final double invalidMessageWeight;
    public final double invalidMessageDecay;
    /** Weight of P7, the square of the behaviour penalty counter above its threshold (negative). */
    public final double behaviourPenaltyWeight;
    /** Behaviour penalties tolerated before P7 counts (absorbs occasional losses). */
    public final double behaviourPenaltyThreshold;
    public final double behaviourPenaltyDecay;
    /** Counters below this value decay to zero. */
    public final double decayToZero;
    /** How long the score of a disconnected peer is remembered. */
    public final long retainScoreMillis;

    private GossipConfig(Builder b) {
        if (!(b.dOut < b.dLo && b.dLo <= b.d && b.d <= b.dHi && b.dScore <= b.d && b.dOut <= b.d / 2)) {
            throw new IllegalArgumentException("need dOut < dLo <= d <= dHi, dScore <= d, dOut <= d/2");
        }
        if (b.maxRpcSize < b.maxMessageSize + 128 * 1024) {
            throw new IllegalArgumentException("need maxRpcSize >= maxMessageSize + 128 KiB");
        }
        if (b.mcacheGossip > b.mcacheLength || b.heartbeatMillis <= 0) {
            throw new IllegalArgumentException("need mcacheGossip <= mcacheLength and heartbeat > 0");
        }
        if (!(b.graylistThreshold < b.publishThreshold && b.publishThreshold <= b.gossipThreshold
                && b.gossipThreshold <= 0)) {
            throw new IllegalArgumentException("need graylist < publish <= gossip threshold <= 0");
        }
        d = b.d;
        dLo = b.dLo;
        dHi = b.dHi;
        dLazy = b.dLazy;
        dScore = b.dScore;
        dOut = b.dOut;
        gossipFactor = b.gossipFactor;
        heartbeatMillis = b.heartbeatMillis;
        fanoutTtlMillis = b.fanoutTtlMillis;
        mcacheLength = b.mcacheLength;
        mcacheGossip = b.mcacheGossip;
        seenTtlMillis = b.seenTtlMillis;
        pruneBackoffMillis = b.pruneBackoffMillis;
        unsubscribeBackoffMillis = b.unsubscribeBackoffMillis;
        prunePeers = b.prunePeers;
        iwantFollowupMillis = b.iwantFollowupMillis;
        gossipRetransmission = b.gossipRetransmission;
        maxIHaveLength = b.maxIHaveLength;
        maxIHaveMessages = b.maxIHaveMessages;
        maxIWantReplies = b.maxIWantReplies;
        floodPublish = b.floodPublish;
        maxRpcSize = b.maxRpcSize;
        maxMessageSize = b.maxMessageSize;
        maxTopicsPerPeer = b.maxTopicsPerPeer;
        maxTopicLength = b.maxTopicLength;
        gossipThreshold = b.gossipThreshold;
        publishThreshold = b.publishThreshold;
        graylistThreshold = b.graylistThreshold;
        acceptPxThreshold = b.acceptPxThreshold;
        invalidMessageWeight = b.invalidMessageWeight;
        invalidMessageDecay = b.invalidMessageDecay;
        behaviourPenaltyWeight = b.behaviourPenaltyWeight;
        behaviourPenaltyThreshold = b.behaviourPenaltyThreshold;
        behaviourPenaltyDecay = b.behaviourPenaltyDecay;
        decayToZero = b.decayToZero;
        retainScoreMillis = b.retainScoreMillis;
    }

    /** The specification defaults. */
    public static GossipConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable holder of the parameters, pre-set to the defaults. */
    public static final class Builder {
        public int d = 6;
        public int dLo = 4;
        public int dHi = 12;
        public int dLazy = 6;
        public int dScore = 4;
        public int dOut = 2;
        public double gossipFactor = 0.25;
        public long heartbeatMillis = 1_000;
        public long fanoutTtlMillis = 60_000;
        public int mcacheLength = 5;
        public int mcacheGossip = 3;
        public long seenTtlMillis = 120_000;
        public long pruneBackoffMillis = 60_000;
        public long unsubscribeBackoffMillis = 10_000;
        public int prunePeers = 16;
        public long iwantFollowupMillis = 3_000;
        public int gossipRetransmission = 3;
        public int maxIHaveLength = 5_000;
        public int maxIHaveMessages = 10;
        public int maxIWantReplies = 5_000;
        public boolean floodPublish = true;
        public int maxRpcSize = 4 * 1024 * 1024;
        public int maxMessageSize = 1024 * 1024;
        public int maxTopicsPerPeer = 1_000;
        public int maxTopicLength = 256;
        public double gossipThreshold = -10;
        public double publishThreshold = -50;
        public double graylistThreshold = -80;
        public double acceptPxThreshold = 0;
        public double invalidMessageWeight = -10;
        public double invalidMessageDecay = 0.99;
        public double behaviourPenaltyWeight = -10;
        public double behaviourPenaltyThreshold = 3;
        public double behaviourPenaltyDecay = 0.99;
        public double decayToZero = 0.01;
        public long retainScoreMillis = 60_000;

        private Builder() {
        }

        public GossipConfig build() {
            return new GossipConfig(this);
        }
    }
}
