package io.colony.simulations;

import com.google.protobuf.ByteString;
import io.colony.node.lease.LeaseAction;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.lease.LeaseManager;
import io.colony.node.ledger.ApplyResult;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.ledger.Outcome;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.net.memory.InMemoryNetwork;
import io.colony.node.time.Scheduler;
import io.colony.node.replication.DigestedRecordStore;
import io.colony.node.replication.LedgerSyncSource;
import io.colony.node.replication.ReplicationConfig;
import io.colony.node.replication.Replicator;
import io.colony.node.runtime.TriggerSubmitter;
import io.colony.node.store.MemoryRecordStore;
import io.colony.node.runtime.ExecutionLog;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One simulated colony node, built from the real node classes: a {@link Ledger} over a
 * {@link MemoryRecordStore} (the durable part, kept across crashes) wrapped in a
 * {@link DigestedRecordStore}, an {@link InMemoryNetwork} gossip node, a {@link Replicator}, and, if it
 * is an executor, a {@link LeaseManager} driven like the node's {@code LocalExecutor} (claim, settle,
 * start, renew, close or stop) with simulated runs whose length is drawn from a distribution. Its
 * clock is the virtual time plus a fixed skew. Everything runs on the simulation thread.
 */
public final class SimNode {

    /** Node tick period: ledger timeouts and lease decisions, as the real node's tick. */
    static final long TICK_MS = 250;
    /** Nodes take turns at submitting what crons owe, this long each, as real nodes do. */
    static final long TRIGGER_TURN_MS = 300;

    private final Simulation sim;
    private final int index;
    private final String name;
    private final Identity identity;
    private final long skewMs;
    private final double speed;
    private final boolean executor;
    private final Random random;
    private final MemoryRecordStore durable = new MemoryRecordStore();
    private long fingerprint;
    private long recordCount;

    // state lost on a crash
    private boolean up;
    private DigestedRecordStore store;
    private Ledger ledger;
    private InMemoryNetwork net;
    private Replicator replicator;
    private LedgerSyncSource source;
    private LeaseManager leases;
    private TriggerSubmitter triggers;
    private boolean claimChecks;
    private final Map<ByteBuffer, ActiveRun> runs = new HashMap<>();
    private Scheduler.Cancellable tick;
    private boolean pollPending;

    /** A run of this executor and the event that will finish it. */
    private record ActiveRun(ExecutionLog.Run run, Scheduler.Cancellable completion) {
    }

    SimNode(Simulation sim, int index, Identity identity, long skewMs, boolean executor, double speed) {
        this.sim = sim;
        this.index = index;
        this.name = "n" + index;
        this.identity = identity;
        this.skewMs = skewMs;
        this.executor = executor;
        this.speed = speed;
        this.random = new Random(sim.config().seed() * 0x9E3779B97F4A7C15L + index);
    }

    /** Node name (also its network id). */
    public String name() {
        return name;
    }

    /** Index in the colony. */
    public int index() {
        return index;
    }

    /** The node's key. */
    public Identity identity() {
        return identity;
    }

    /** True while running (not crashed). */
    public boolean isUp() {
        return up;
    }

    /** True if this node runs an executor. */
    public boolean isExecutor() {
        return executor;
    }

    /** This node's clock: virtual time plus its skew. */
    public long localNow() {
        return sim.scheduler().now() + skewMs;
    }

    /** The ledger (null while crashed). */
    public Ledger ledger() {
        return ledger;
    }

    /** The digested store (null while crashed). */
    public DigestedRecordStore store() {
        return store;
    }

    /** Order-independent fingerprint of the stored record ids (xor of id prefixes and count). */
    public long fingerprint() {
        return fingerprint ^ recordCount * 0x9E3779B97F4A7C15L;
    }

    /** Records in the durable store. */
    public long recordCount() {
        return recordCount;
    }

    /** Preloads records (verified once by the caller) into the durable store before the first start. */
    void preload(List<DecodedRecord> records) {
        for (DecodedRecord r : records) {
            durable.put(r);
            noteStored(r.id());
        }
        durable.commit();
    }

    /** Starts or restarts: rebuilds the ledger from the durable store and joins the network. */
    void start(InMemoryHub hub, LedgerConfig ledgerConfig, LeaseConfig leaseConfig, ReplicationConfig replication) {
        claimChecks = leaseConfig.claimCheckMs() > 0;
        store = new DigestedRecordStore(durable, r -> {
            noteStored(r.id());
            sim.stored(this, r);
        });
        ledger = new Ledger(sim.colonyId(), ledgerConfig, store);
        net = hub.createNode(name, identity.publicKey());
        source = new LedgerSyncSource(ledger, store, this::localNow, this::changed);
        replicator = new Replicator(net, sim.colonyId(), Runnable::run, sim.scheduler(), source,
                key -> ledger.isOwner(key) || ledger.isMember(key, localNow()), replication, random.nextLong());
        triggers = new TriggerSubmitter(identity, TRIGGER_TURN_MS);
        leases = executor ? new LeaseManager(sim.colonyId(), identity.publicKey(), name, Simulation.EXECUTOR_TYPE,
                sim.config().capacity(), leaseConfig) : null;
        up = true;
        net.start();
        replicator.start();
        scheduleTick(1 + random.nextInt((int) TICK_MS));
    }

    private void noteStored(byte[] id) {
        fingerprint ^= ByteBuffer.wrap(id).getLong();
        recordCount++;
    }

    /** Dials a peer (bootstrap); failures are ignored (the peer may be down or partitioned). */
    void connect(SimNode peer) {
        if (up && peer.up) {
            net.connect(peer.net.listenAddresses().get(0));
        }
    }

    /** Connected peers. */
    int peerCount() {
        return up ? net.connectedPeers().size() : 0;
    }

    /** Crash: kill every run, drop all in-memory state except the durable store, disconnect. */
    void crash() {
        if (!up) {
            return;
        }
        up = false;
        for (ActiveRun r : runs.values()) {
            r.completion().cancel();
            sim.executions().end(r.run(), sim.scheduler().now(), "crash");
        }
        runs.clear();
        tick.cancel();
        replicator.close();
        net.close();
        store = null;
        ledger = null;
        net = null;
        replicator = null;
        source = null;
        leases = null;
        triggers = null;
        pollPending = false;
    }

    /** Signs a Submit with this node's key, stores and publishes it, as the node's API does. */
    SignedRecord submit(io.colony.protocol.FunctionSpec spec) {
        byte[] nonce = new byte[Records.NONCE_BYTES];
        random.nextBytes(nonce);
        SignedRecord r = Records.sign(identity, Records.submit(sim.colonyId(), localNow(), spec, nonce));
        applyLocal(List.of(Records.decode(r)));
        return r;
    }

    /** Signs any record body with this node's key, stores and publishes it. */
    SignedRecord create(Record body) {
        SignedRecord r = Records.sign(identity, body);
        applyLocal(List.of(Records.decode(r)));
        return r;
    }

    /** Stores and publishes a record a client signed (e.g. the owner), as the node's API does. */
    SignedRecord post(SignedRecord r) {
        applyLocal(List.of(Records.open(r)));
        return r;
    }

    /** Feeds records as if a peer had sent them during sync (the ledger checks everything). */
    List<byte[]> ingestFromPeer(List<SignedRecord> records, String fromPeer) {
        return source.ingest(records, fromPeer);
    }

    // ------------------------------------------------------------ the node's loop

    private void scheduleTick(long delay) {
        tick = sim.scheduler().schedule(delay, () -> {
            if (!up) {
                return;
            }
            List<Record> due = new ArrayList<>(ledger.tick(localNow()));
            // the ledger's order of due Fails is not defined; fix it so a run is reproducible
            due.sort(Comparator.comparing(Record::toByteString, ByteString.unsignedLexicographicalComparator()));
            signAndApply(due);
            List<DecodedRecord> owed = new ArrayList<>();
            for (SignedRecord t : triggers.due(ledger, localNow(), peerCount() > 0, false)) {
                owed.add(Records.decode(t));
            }
            if (!owed.isEmpty()) {
                applyLocal(owed);
            }
            pollExecutor();
            scheduleTick(TICK_MS);
        });
    }

    private void changed(ApplyResult r) {
        if (!r.changes().isEmpty()) {
            requestPoll();
        }
    }

    private void requestPoll() {
        if (pollPending || leases == null) {
            return;
        }
        pollPending = true;
        sim.scheduler().schedule(0, () -> {
            pollPending = false;
            if (up) {
                pollExecutor();
            }
        });
    }

    private void signAndApply(List<Record> bodies) {
        if (bodies.isEmpty()) {
            return;
        }
        List<DecodedRecord> decoded = new ArrayList<>(bodies.size());
        for (Record b : bodies) {
            decoded.add(Records.decode(Records.sign(identity, b)));
        }
        applyLocal(decoded);
    }

    private void applyLocal(List<DecodedRecord> records) {
        ApplyResult r = ledger.applyVerified(records, localNow());
        for (int i = 0; i < records.size(); i++) {
            if (r.outcomes().get(i).status() == Outcome.Status.ACCEPTED) {
                sim.created(this, records.get(i));
                replicator.publish(records.get(i).signed());
                if (records.get(i).kind() == RecordKind.CLAIM && leases != null && claimChecks) {
                    checkClaim(records.get(i));
                }
            }
        }
        changed(r);
    }

    /** As a real node: shows an own claim to the connected peers; the attempt starts once all answered. */
    private void checkClaim(DecodedRecord claim) {
        LeaseManager owner = leases;
        replicator.checkClaim(claim.signed(), List.copyOf(net.connectedPeers())).whenComplete((v, e) -> {
            if (up && leases == owner) {
                owner.claimChecked(claim.processId(), claim.attempt());
                requestPoll();
            }
        });
    }

    // ------------------------------------------------------------ the simulated executor

    private void pollExecutor() {
        if (leases == null) {
            return;
        }
        List<Record> toSign = new ArrayList<>();
        for (LeaseAction a : leases.poll(ledger, localNow())) {
            if (a instanceof LeaseAction.Sign s) {
                toSign.add(s.body());
            } else if (a instanceof LeaseAction.Start s) {
                startRun(s.processId(), s.attempt());
            } else if (a instanceof LeaseAction.Stop s) {
                stopRun(s.processId(), s.reason());
            }
        }
        signAndApply(toSign);
    }

    private void startRun(byte[] processId, int attempt) {
        String pid = Hex.encode(processId);
        long duration = Math.max(1, (long) (sim.drawRunTime(random) * speed));
        ExecutionLog.Run run = sim.executions().start(index, pid, attempt, sim.scheduler().now());
        sim.trace().add(sim.scheduler().now(), name + " start " + pid.substring(0, 12) + " attempt " + attempt
                + " for " + duration);
        Scheduler.Cancellable done = sim.scheduler().schedule(duration, () -> finishRun(processId, run));
        runs.put(ByteBuffer.wrap(processId), new ActiveRun(run, done));
    }

    private void stopRun(byte[] processId, String reason) {
        ActiveRun r = runs.remove(ByteBuffer.wrap(processId));
        if (r != null) {
            r.completion().cancel();
            sim.executions().end(r.run(), sim.scheduler().now(), "stopped: " + reason);
            sim.trace().add(sim.scheduler().now(), name + " stop " + r.run().processId().substring(0, 12) + ": " + reason);
        }
    }

    private void finishRun(byte[] processId, ExecutionLog.Run run) {
        ActiveRun r = runs.get(ByteBuffer.wrap(processId));
        if (!up || r == null || r.run() != run) {
            return;
        }
        runs.remove(ByteBuffer.wrap(processId));
        sim.executions().end(run, sim.scheduler().now(), "finished");
        sim.trace().add(sim.scheduler().now(), name + " finished " + run.processId().substring(0, 12));
        List<Record> close = new ArrayList<>();
        for (LeaseAction a : leases.finished(processId, true, List.of("done"), List.of(), localNow())) {
            if (a instanceof LeaseAction.Sign s) {
                close.add(s.body());
            }
        }
        signAndApply(close);
    }
}
