package io.colony.node.ledger;

import io.colony.protocol.CronSchedule;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.RecordKind;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.TriggerView;
import io.colony.protocol.pb.Trigger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The crons and generators of a ledger: a deterministic function of the set of their records
 * (CronAdd, GeneratorAdd, GeneratorPack, TriggerRemove) and of the submissions they caused, in any
 * arrival order. A removal counts if signed by the creator or the colony owner; a removal or pack
 * that arrives before its cron or generator waits for it. Part of the ledger: one owner thread.
 */
final class Triggers {

    /** A cron or generator. */
    static final class Def {
        final DecodedRecord add;
        final String ownerId;
        final CronSchedule schedule;
        /** unconsumed packs by (timestamp, id) */
        final TreeMap<DecodedRecord, Boolean> pending = new TreeMap<>(BY_TIME);
        long removedAt = -1;
        /** cron: every tick up to here is known to be in the ledger (a scan cursor, not state) */
        long cursor = Long.MIN_VALUE;
        int runs;
        long lastSubmitTs = -1;
        byte[] last;

        Def(DecodedRecord add) {
            this.add = add;
            this.ownerId = add.signerId();
            this.schedule = add.kind() == RecordKind.CRON_ADD ? CronSchedule.parse(add.record().getCron().getSchedule())
                    : null;
        }

        boolean isCron() {
            return schedule != null;
        }

        boolean active() {
            return removedAt < 0;
        }

        /** True if a submission stamped {@code ts} is allowed: after the add, before any removal. */
        boolean liveAt(long ts) {
            return ts >= add.timestampMs() && (removedAt < 0 || ts < removedAt);
        }
    }

    static final Comparator<DecodedRecord> BY_TIME = Comparator.comparingLong(DecodedRecord::timestampMs)
            .thenComparing(DecodedRecord::id, Arrays::compareUnsigned);

    private final byte[] colonyOwner;
    private final Map<IdKey, Def> defs = new HashMap<>();
    /** packs and removals whose cron/generator is not known yet */
    private final Map<IdKey, List<DecodedRecord>> early = new HashMap<>();
    private final Set<IdKey> consumed = new HashSet<>();
    /** every unconsumed pack of a known generator */
    private final Map<IdKey, DecodedRecord> pendingPacks = new HashMap<>();

    Triggers(byte[] colonyOwner) {
        this.colonyOwner = colonyOwner.clone();
    }

    /** Applies a stored trigger record. */
    void add(DecodedRecord r) {
        switch (r.kind()) {
            case CRON_ADD, GENERATOR_ADD -> {
                IdKey id = IdKey.of(r.id());
                if (defs.containsKey(id)) {
                    return;
                }
                Def d = new Def(r);
                defs.put(id, d);
                List<DecodedRecord> waiting = early.remove(id);
                if (waiting != null) {
                    waiting.forEach(this::add);
                }
            }
            case GENERATOR_PACK -> {
                Def d = defOrWait(r.record().getPack().getGenerator().toByteArray(), r);
                // a pack stamped before its generator existed (a skewed clock) never counts
                if (d != null && !d.isCron() && r.timestampMs() >= d.add.timestampMs()
                        && !consumed.contains(IdKey.of(r.id()))) {
                    d.pending.put(r, Boolean.TRUE);
                    pendingPacks.put(IdKey.of(r.id()), r);
                }
            }
            case TRIGGER_REMOVE -> {
                Def d = defOrWait(r.record().getRemove().getTarget().toByteArray(), r);
                boolean allowed = d != null && (d.ownerId.equals(r.signerId())
                        || Arrays.equals(r.signer(), colonyOwner));
                if (allowed && (d.removedAt < 0 || r.timestampMs() < d.removedAt)) {
                    d.removedAt = r.timestampMs();
                }
            }
            default -> throw new IllegalArgumentException("not a trigger record: " + r.kind());
        }
    }

    private Def defOrWait(byte[] target, DecodedRecord r) {
        Def d = defs.get(IdKey.of(target));
        if (d == null) {
            early.computeIfAbsent(IdKey.of(target), k -> new ArrayList<>()).add(r);
        }
        return d;
    }

    /** Notes a stored Submit or SubmitWorkflow that a cron or generator caused. */
    void submitted(DecodedRecord r, Trigger t) {
        for (var p : t.getPacksList()) {
            IdKey pack = IdKey.of(p.toByteArray());
            if (consumed.add(pack)) {
                DecodedRecord pr = pendingPacks.remove(pack);
                if (pr != null) {
                    defs.get(IdKey.of(pr.record().getPack().getGenerator().toByteArray())).pending.remove(pr);
                }
            }
        }
        Def d = defs.get(IdKey.of(t.getSource().toByteArray()));
        if (d != null) {
            d.runs++;
            if (r.timestampMs() >= d.lastSubmitTs) {
                d.lastSubmitTs = r.timestampMs();
                d.last = r.id();
            }
        }
    }

    /** Every cron and generator, removed ones included. */
    List<Def> all() {
        List<Def> out = new ArrayList<>(defs.values());
        out.sort(Comparator.comparing(d -> d.add, BY_TIME));
        return out;
    }

    Def get(byte[] id) {
        return defs.get(IdKey.of(id));
    }

    static TriggerView view(Def d, long nowMs) {
        var specs = (d.isCron() ? d.add.record().getCron().getSpecsList() : d.add.record().getGenerator().getSpecsList())
                .stream().map(SpecCodec::fromProto).toList();
        String last = d.last == null ? null : Hex.encode(d.last);
        Long removed = d.removedAt < 0 ? null : d.removedAt;
        if (d.isCron()) {
            var c = d.add.record().getCron();
            Long next = null;
            if (d.active()) {
                long n = d.schedule.next(Math.max(nowMs, d.add.timestampMs()));
                next = n < 0 ? null : n;
            }
            return new TriggerView(d.add.idText(), "cron", c.getName(), d.ownerId, d.add.timestampMs(), specs,
                    c.getSchedule(), next, null, null, null, d.runs, last, removed);
        }
        var g = d.add.record().getGenerator();
        return new TriggerView(d.add.idText(), "generator", g.getName(), d.ownerId, d.add.timestampMs(), specs, null,
                null, g.getTrigger(), g.getTimeoutMs(), d.pending.size(), d.runs, last, removed);
    }
}
