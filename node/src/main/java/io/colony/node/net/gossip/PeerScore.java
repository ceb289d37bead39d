package io.colony.node.net.gossip;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gossipsub v1.1 peer scoring, reduced to the parameters Colony uses: P4 (invalid message
 * deliveries) and P7 (behaviour penalty: GRAFT during backoff, broken IWANT promises). Both counters
 * decay every heartbeat; scores of disconnected peers are retained for a while so reconnecting does
 * not wash a bad score. Not thread-safe.
 */
final class PeerScore {

    private static final class Stats {
        double invalidDeliveries;
        double behaviourPenalty;
        long expiresAt = Long.MAX_VALUE;
    }

    private final GossipConfig config;
    private final Map<String, Stats> stats = new LinkedHashMap<>();

    PeerScore(GossipConfig config) {
        this.config = config;
    }

    double score(String peer) {
        Stats s = stats.get(peer);
        if (s == null) {
            return 0;
        }
        double excess = Math.max(0, s.behaviourPenalty - config.behaviourPenaltyThreshold);
        return config.invalidMessageWeight * s.invalidDeliveries * s.invalidDeliveries
                + config.behaviourPenaltyWeight * excess * excess + 0.0; // + 0.0 turns -0.0 into 0.0
    }

    void connected(String peer) {
        stats.computeIfAbsent(peer, p -> new Stats()).expiresAt = Long.MAX_VALUE;
    }

    void disconnected(String peer, long now) {
        Stats s = stats.get(peer);
        if (s != null) {
            s.expiresAt = now + config.retainScoreMillis;
        }
    }

    void invalidMessage(String peer) {
        stats.computeIfAbsent(peer, p -> new Stats()).invalidDeliveries += 1;
    }

    void behaviourPenalty(String peer, double amount) {
        stats.computeIfAbsent(peer, p -> new Stats()).behaviourPenalty += amount;
    }

    /** Decays the counters once and forgets expired peers. Call once per heartbeat. */
    void decay(long now) {
        Iterator<Stats> it = stats.values().iterator();
        while (it.hasNext()) {
            Stats s = it.next();
            if (s.expiresAt <= now) {
                it.remove();
                continue;
            }
            s.invalidDeliveries = decayed(s.invalidDeliveries, config.invalidMessageDecay);
            s.behaviourPenalty = decayed(s.behaviourPenalty, config.behaviourPenaltyDecay);
        }
    }

    private double decayed(double value, double factor) {
        double v = value * factor;
        return v < config.decayToZero ? 0 : v;
    }
}
