package io.colony.node.runtime;

import io.colony.node.ledger.Ledger;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.TriggerRecords;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides when this node signs what crons and generators owe. Every node computes the same bodies (one
 * process id per tick or group of packs colony-wide), so a submission signed by several nodes collapses
 * into one process. With peers, the colony's nodes take turns: for each submission every node ranks
 * all admitted nodes the same way (by a hash of the submission and the node key) and waits its rank
 * times {@code step} (capped at {@link #MAX_RANK} steps), so that usually the first node up signs it and
 * the others see it arrive before their turn. Generators wait while
 * the node is cut off or catching up: it might not know which packs were already consumed. Pure apart
 * from signing: time is an argument; one owner thread.
 */
public final class TriggerSubmitter {
    /** A cron tick no node submitted within this time (every node down) is skipped. */
    public static final long LOOK_BACK_MS = 60_000;

    /** Turns beyond this rank all come at once (if that many nodes are down, speed wins). */
    static final int MAX_RANK = 8;

    private final Identity identity;
    private final long stepMs;
    /** due submission (record id) -> {when this node first saw it due, its delay} */
    private final Map<String, long[]> dueSince = new HashMap<>();

    /** @param stepMs how long each node waits for the one ranked before it */
    public TriggerSubmitter(Identity identity, long stepMs) {
        this.identity = identity;
        this.stepMs = stepMs;
    }

    /**
     * The submissions to sign and apply now, signed.
     *
     * @param withPeers whether other nodes may submit them too (else: at once)
     * @param unsure    cut off or catching up: no generator submissions
     */
    public List<SignedRecord> due(Ledger ledger, long nowMs, boolean withPeers, boolean unsure) {
        List<Ledger.DueSubmission> due = ledger.dueTriggers(nowMs, LOOK_BACK_MS);
        if (due.isEmpty()) {
            dueSince.clear();
            return List.of();
        }
        Set<String> current = new HashSet<>();
        List<SignedRecord> ready = new ArrayList<>();
        for (Ledger.DueSubmission d : due) {
            boolean generated = d.body().hasSubmit() ? d.body().getSubmit().getTrigger().getPacksCount() > 0
                    : d.body().getWorkflow().getTrigger().getPacksCount() > 0;
            if (generated && unsure) {
                continue;
            }
            String key = Hex.encode(d.id());
            current.add(key);
            long[] seen = dueSince.computeIfAbsent(key, k -> new long[] {nowMs,
                    Math.min(rank(d.id(), ledger.nodeMembers(nowMs)), MAX_RANK) * stepMs});
            if (!withPeers || nowMs >= seen[0] + seen[1]) {
                ready.add(TriggerRecords.signDeterministic(identity, d.body()));
            }
        }
        dueSince.keySet().retainAll(current);
        return ready;
    }

    /** This node's place among {@code nodes} for a submission: how many rank before it. */
    int rank(byte[] id, List<byte[]> nodes) {
        long mine = turnHash(id, identity.publicKey());
        int before = 0;
        for (byte[] n : nodes) {
            if (!java.util.Arrays.equals(n, identity.publicKey()) && Long.compareUnsigned(turnHash(id, n), mine) < 0) {
                before++;
            }
        }
        return before;
    }

    private static long turnHash(byte[] id, byte[] key) {
        long h = 1125899906842597L;
        for (byte b : key) {
            h = 31 * h + b;
        }
        for (byte b : id) {
            h = 31 * h + b;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
