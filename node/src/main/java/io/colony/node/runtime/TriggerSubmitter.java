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
 * into one process; with peers, each node waits a delay in [0, spread) drawn from its key and the
 * submission, so that usually one node signs it and the others see it arrive. Generators wait while
 * the node is cut off or catching up: it might not know which packs were already consumed. Pure apart
 * from signing: time is an argument; one owner thread.
 */
public final class TriggerSubmitter {
    /** A cron tick no node submitted within this time (every node down) is skipped. */
    public static final long LOOK_BACK_MS = 60_000;

    private final Identity identity;
    private final long spreadMs;
    /** due submission (record id) -> when this node first saw it due */
    private final Map<String, Long> dueSince = new HashMap<>();

    /** @param spreadMs the window nodes with peers take turns over */
    public TriggerSubmitter(Identity identity, long spreadMs) {
        this.identity = identity;
        this.spreadMs = spreadMs;
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
            long first = dueSince.computeIfAbsent(key, k -> nowMs);
            if (!withPeers || nowMs >= first + turn(d.id())) {
                ready.add(TriggerRecords.signDeterministic(identity, d.body()));
            }
        }
        dueSince.keySet().retainAll(current);
        return ready;
    }

    /** This node's delay for a submission, in [0, spread). */
    long turn(byte[] id) {
        long h = 1125899906842597L;
        for (byte b : identity.publicKey()) {
            h = 31 * h + b;
        }
        for (byte b : id) {
            h = 31 * h + b;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return spreadMs <= 0 ? 0 : Math.floorMod(h, spreadMs);
    }
}
