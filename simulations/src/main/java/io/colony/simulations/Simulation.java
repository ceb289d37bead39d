package io.colony.simulations;

import com.google.protobuf.ByteString;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.ledger.ProcessSummary;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.InsecureSigner;
import io.colony.node.net.PeerNetwork;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.net.memory.InMemoryNetwork;
import io.colony.node.replication.Replicator;
import io.colony.node.replication.ReplicationConfig;
import io.colony.node.replication.SyncDigest;
import io.colony.node.runtime.ExecutionLog;
import io.colony.node.time.VirtualScheduler;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.TriggerRecords;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic colony simulation: {@link SimConfig#nodes()} {@link SimNode}s on one
 * {@link VirtualScheduler}, joined by an {@link InMemoryHub} with seeded link faults, processes
 * submitted to random nodes, and faults injected on a seeded schedule (loss, a partition that heals,
 * crashes and restarts, clock skew, slow executors, forged records from a non-member).
 *
 * <p>Invariants, checked as the events that could break them happen, and once more at the end:
 * <ul>
 *   <li><b>authenticity</b>: no node ever stores a forged record (checked on every store);</li>
 *   <li><b>single live lease</b>: two runs of one process never overlap (checked on every start; see
 *       {@link ExecutionLog}); every overlap is counted with its cause ({@link DoubleExecution}), also
 *       during a partition, and does not stop the run;</li>
 *   <li><b>no process lost</b>: once faults stop, every submitted process is known by every node;</li>
 *   <li><b>termination</b>: once faults stop, every process ends SUCCESS or FAILED on every node;</li>
 *   <li><b>convergence</b>: once faults stop, every ledger holds the same records (same digest).</li>
 * </ul>
 * The run stops at the first violation of another invariant; {@link #run()} returns a {@link SimReport} with the trace hash,
 * which is identical for identical configurations.
 */
public final class Simulation {

    /** Executor type of every simulated executor and process. */
    static final String EXECUTOR_TYPE = "sim";
    /** Virtual time at the start of a run (a realistic epoch, ms). */
    static final long START_MS = 1_700_000_000_000L;
    private static final long CHECK_MS = 500;
    private static final long PROGRESS_MS = 10_000;
    /** The invariant that overlapping runs break. */
    static final String SINGLE_LIVE_LEASE = "single live lease";

    private final SimConfig config;
    private final VirtualScheduler scheduler = new VirtualScheduler(START_MS);
    private final Random random;
    private final Trace trace = new Trace(60);
    private final Identity owner;
    private final byte[] colonyId;
    private final InMemoryHub hub;
    private final LinkFaults links;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<String, Integer> indexOf = new HashMap<>();
    private final ExecutionLog executions = new ExecutionLog(this::overlap);
    private final Propagation propagation;
    private final LedgerConfig ledgerConfig = LedgerConfig.defaults();
    private LeaseConfig leaseConfig;
    /** Idle executors take turns at claiming over this window, as real nodes with peers do. */
    static final long CLAIM_SPREAD_MS = 500;
    private final ReplicationConfig replication;
    private final List<Violation> violations = new ArrayList<>();
    private final Set<String> submitted = new LinkedHashSet<>();
    private int cronEverySec;
    private byte[] cronId;
    private long cronAddedAt;
    private long cronRemovedAt = Long.MAX_VALUE;
    private long cronSignatures;
    private final Map<Long, String> cronTicks = new java.util.TreeMap<>();
    private final Set<Long> forged = new HashSet<>();
    private final Map<RecordKind, Long> createdByKind = new java.util.EnumMap<>(RecordKind.class);
    private final long[] messages;
    private final long[] bytes;
    private final BitSet up;
    private long partitionStart = -1;
    private long partitionEnd = -1;
    private long convergenceMs = -1;
    private final List<DoubleExecution> doubleExecutions = new ArrayList<>();
    private long crashes;
    private long forgedRefusals;
    private boolean faultsOn = true;
    private java.util.function.Consumer<String> progress = line -> { };

    public Simulation(SimConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        this.owner = Identity.fromSeed(seedBytes("owner"));
        this.colonyId = owner.publicKey();
        this.links = new LinkFaults(config.seed(), config.latencyMs(), config.jitterMs(), config.loss());
        this.hub = new InMemoryHub(scheduler, config.seed(), GossipConfig.defaults(), InsecureSigner::new);
        hub.setLinkModel(links);
        this.messages = new long[config.nodes()];
        this.bytes = new long[config.nodes()];
        hub.setTrafficObserver((from, to, size) -> {
            Integer i = indexOf.get(from);
            if (i != null) {
                messages[i]++;
                bytes[i] += size;
            }
        });
        this.propagation = new Propagation(config.nodes());
        this.up = new BitSet(config.nodes());
        // as real nodes with peers: idle executors take turns at claiming, and claims are checked with
        // the connected peers before an attempt starts (see Node.leaseTiming)
        this.leaseConfig = LeaseConfig.of(config.leaseMs(), config.settleMs()).withClaimSpread(CLAIM_SPREAD_MS)
                .withClaimCheck(config.settleMs() + Math.min(4_000, config.leaseMs() / 3));
        this.replication = ReplicationConfig.defaults().withSyncIntervalMs(config.syncIntervalMs());
    }

    // ------------------------------------------------------------ accessors for the nodes

    SimConfig config() {
        return config;
    }

    VirtualScheduler scheduler() {
        return scheduler;
    }

    Trace trace() {
        return trace;
    }

    ExecutionLog executions() {
        return executions;
    }

    byte[] colonyId() {
        return colonyId.clone();
    }

    /** The nodes of the colony. */
    public List<SimNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Violations found so far. */
    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    /** A run time drawn from a log-normal distribution with the configured mean. */
    double drawRunTime(Random r) {
        double sigma = 0.5;
        return config.runMeanMs() * Math.exp(sigma * r.nextGaussian() - sigma * sigma / 2);
    }

    // ------------------------------------------------------------ the run

    /**
     * Bare claims: no claim spreading and no claim checks, so executors rely on the settle delay alone
     * to let competing claims arrive (to show what the two prevent).
     */
    public Simulation withBareClaims() {
        this.leaseConfig = LeaseConfig.of(config.leaseMs(), config.settleMs());
        return this;
    }

    /**
     * Adds a cron that submits a process every {@code seconds} from 1.5 s into the run until the
     * faults stop (then the colony owner removes it). Checked: one process per tick, none missing.
     */
    public Simulation withCron(int seconds) {
        if (seconds < 1 || seconds > 59 || 60 % seconds != 0) {
            throw new IllegalArgumentException("the cron period must divide a minute: 1..30 seconds");
        }
        this.cronEverySec = seconds;
        return this;
    }

    /** Receives a progress line every 10 s of virtual time during the fault window. */
    public Simulation onProgress(java.util.function.Consumer<String> listener) {
        this.progress = listener;
        return this;
    }

    /** Builds the colony, runs the scenario to its end (or first violation) and reports. */
    public SimReport run() {
        long wallStart = System.nanoTime();
        build();
        scheduleWorkload();
        scheduleCron();
        scheduleFaults();
        long faultEnd = START_MS + config.durationMs();
        scheduler.schedule(config.durationMs(), this::stopFaults);
        for (long t = START_MS; t < faultEnd && !stopped(); ) {
            t = Math.min(faultEnd, t + PROGRESS_MS);
            scheduler.runUntil(t, this::stopped);
            progress.accept(String.format(java.util.Locale.ROOT, "+%d s virtual, %d events, %d records, %.0f s wall",
                    (scheduler.now() - START_MS) / 1000, scheduler.executed(), propagation.created(),
                    (System.nanoTime() - wallStart) / 1e9));
        }
        long deadline = faultEnd + config.quietMs();
        while (!stopped() && scheduler.now() < deadline && !settled()) {
            scheduler.runUntil(Math.min(deadline, scheduler.now() + CHECK_MS), this::stopped);
        }
        if (!stopped()) {
            finalChecks();
        }
        trace.add(scheduler.now(), "end after " + scheduler.executed() + " events");
        return SimReport.of(this, (System.nanoTime() - wallStart) / 1_000_000);
    }

    private void build() {
        List<DecodedRecord> admits = new ArrayList<>();
        for (int i = 0; i < config.nodes(); i++) {
            Identity id = Identity.fromSeed(seedBytes("node-" + i));
            long skew = config.skewMs() == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * config.skewMs());
            boolean executor = i < config.executors();
            double speed = executor && random.nextDouble() < config.slowFraction() ? config.slowFactor() : 1;
            SimNode n = new SimNode(this, i, id, skew, executor, speed);
            nodes.add(n);
            indexOf.put(n.name(), i);
            SignedRecord admit = Records.sign(owner, Records.admit(colonyId, START_MS - 60_000, id.publicKey(),
                    Role.NODE, n.name(), 0));
            admits.add(Records.open(admit));
        }
        // every node is created with the colony's membership, as a join token would bring it
        for (SimNode n : nodes) {
            n.preload(admits);
        }
        for (SimNode n : nodes) {
            long at = random.nextInt(1000);
            scheduler.schedule(at, () -> startNode(n, "join"));
        }
    }

    private void startNode(SimNode n, String why) {
        if (n.isUp()) {
            return;
        }
        n.start(hub, ledgerConfig, leaseConfig, replication);
        up.set(n.index());
        trace.add(scheduler.now(), n.name() + " " + why);
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode o : nodes) {
            if (o != n && o.isUp()) {
                candidates.add(o);
            }
        }
        Collections.shuffle(candidates, random);
        for (int i = 0; i < Math.min(config.degree(), candidates.size()); i++) {
            n.connect(candidates.get(i));
        }
    }

    private void scheduleWorkload() {
        long window = config.durationMs() / 2;
        for (int i = 0; i < config.processes(); i++) {
            int p = i;
            long at = 2_000 + window * i / Math.max(1, config.processes());
            scheduler.schedule(at, () -> submit(p));
        }
        for (int i = 0; i < config.forged(); i++) {
            int f = i;
            scheduler.schedule(2_000 + (long) (random.nextDouble() * window), () -> forge(f));
        }
    }

    private void scheduleCron() {
        if (cronEverySec == 0) {
            return;
        }
        scheduler.schedule(1_500, () -> {
            SimNode n = randomUpNode();
            FunctionSpec spec = SpecCodec.parse("{\"conditions\":{\"executortype\":\"" + EXECUTOR_TYPE
                    + "\"},\"funcname\":\"tick\",\"maxretries\":" + config.maxRetries() + "}");
            // signed by the owner (a node's key may not add crons), posted to node n
            SignedRecord add = n.post(Records.sign(owner, TriggerRecords.cron(colonyId, n.localNow(), "sim",
                    List.of(spec), "*/" + cronEverySec + " * * * * *",
                    java.util.Arrays.copyOf(seedBytes("cron"), Records.NONCE_BYTES))));
            cronId = Records.recordId(add);
            cronAddedAt = Records.decode(add).timestampMs();
            trace.add(scheduler.now(), n.name() + " adds a cron every " + cronEverySec + " s");
        });
        scheduler.schedule(config.durationMs(), () -> {
            SimNode n = randomUpNode();
            if (cronId != null && n != null) {
                cronRemovedAt = n.localNow();
                DecodedRecord rm = Records.open(Records.sign(owner, TriggerRecords.remove(colonyId, cronRemovedAt,
                        cronId)));
                n.ingestFromPeer(List.of(rm.signed()), "owner"); // the others get it by anti-entropy
                trace.add(scheduler.now(), n.name() + " removes the cron");
            }
        });
    }

    private void submit(int p) {
        SimNode n = randomUpNode();
        if (n == null) {
            return;
        }
        FunctionSpec spec = SpecCodec.parse("{\"conditions\":{\"executortype\":\"" + EXECUTOR_TYPE
                + "\"},\"funcname\":\"work\",\"args\":[\"" + p + "\"],\"maxretries\":" + config.maxRetries() + "}");
        SignedRecord r = n.submit(spec);
        String pid = Hex.encode(Records.recordId(r));
        submitted.add(pid);
        trace.add(scheduler.now(), n.name() + " submit " + pid.substring(0, 12));
    }

    /**
     * Injects a record signed by a non-member and a member's record with a broken signature: both are
     * handed to a node as if a peer had sent them during sync, and gossiped by a rogue peer that is
     * not a member of the colony.
     */
    private void forge(int f) {
        SimNode n = randomUpNode();
        if (n == null) {
            return;
        }
        Identity rogue = Identity.fromSeed(seedBytes("rogue-" + f));
        FunctionSpec spec = SpecCodec.parse("{\"conditions\":{\"executortype\":\"" + EXECUTOR_TYPE
                + "\"},\"funcname\":\"evil\",\"args\":[\"" + f + "\"]}");
        byte[] nonce = new byte[Records.NONCE_BYTES];
        random.nextBytes(nonce);
        SignedRecord byRogue = Records.sign(rogue, Records.submit(colonyId, n.localNow(), spec, nonce));
        SignedRecord genuine = Records.sign(n.identity(), Records.submit(colonyId, n.localNow(), spec, nonce));
        byte[] sig = genuine.getSignature().toByteArray();
        sig[0] ^= 1;
        SignedRecord tampered = genuine.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        InMemoryNetwork peer = hub.createNode("rogue-" + f, rogue.publicKey());
        peer.start();
        peer.subscribe(Replicator.topicOf(colonyId), (from, data) -> PeerNetwork.Validation.ACCEPT, (from, data) -> { });
        peer.connect("/memory/" + n.name());
        for (SignedRecord r : List.of(byRogue, tampered)) {
            forged.add(ByteBuffer.wrap(Records.recordId(r)).getLong());
            forgedRefusals += n.ingestFromPeer(List.of(r), peer.selfId()).size();
        }
        // once connected and subscribed, the rogue peer gossips both, then leaves
        scheduler.schedule(1_000, () -> {
            peer.publish(Replicator.topicOf(colonyId), byRogue.toByteArray());
            peer.publish(Replicator.topicOf(colonyId), tampered.toByteArray());
            scheduler.schedule(5_000, peer::close);
        });
        trace.add(scheduler.now(), peer.selfId() + " forged records to " + n.name());
    }

    private SimNode randomUpNode() {
        int count = up.cardinality();
        if (count == 0) {
            return null;
        }
        int k = random.nextInt(count);
        int i = up.nextSetBit(0);
        while (k-- > 0) {
            i = up.nextSetBit(i + 1);
        }
        return nodes.get(i);
    }

    // ------------------------------------------------------------ faults

    private void scheduleFaults() {
        if (config.hasPartition()) {
            scheduler.schedule(config.partitionAtMs(), this::partition);
            scheduler.schedule(config.partitionAtMs() + config.partitionForMs(), this::heal);
        }
        if (config.crashRate() > 0) {
            scheduler.schedule(1_000, this::crashRound);
        }
    }

    private void partition() {
        if (!faultsOn) {
            return;
        }
        List<String> names = new ArrayList<>();
        nodes.forEach(n -> names.add(n.name()));
        Collections.shuffle(names, random);
        List<String> cut = names.subList(0, Math.max(1, (int) (names.size() * config.partitionFraction())));
        hub.partition(List.of(List.copyOf(cut)));
        partitionStart = scheduler.now();
        trace.add(scheduler.now(), "partition " + cut.size() + " nodes cut off");
    }

    private void heal() {
        if (partitionStart < 0 || partitionEnd >= 0) {
            return;
        }
        hub.heal();
        partitionEnd = scheduler.now();
        trace.add(scheduler.now(), "heal");
        List<Long> missing = propagation.missingAmong(up);
        long healedAt = scheduler.now();
        scheduler.schedule(50, () -> awaitConvergence(missing, healedAt));
    }

    private void awaitConvergence(List<Long> missing, long healedAt) {
        propagation.retainMissing(missing, up);
        if (missing.isEmpty()) {
            convergenceMs = scheduler.now() - healedAt;
            trace.add(scheduler.now(), "converged after heal in " + convergenceMs + " ms");
        } else {
            scheduler.schedule(50, () -> awaitConvergence(missing, healedAt));
        }
    }

    private void crashRound() {
        if (!faultsOn) {
            return;
        }
        double p = config.crashRate() / 60.0;
        for (SimNode n : nodes) {
            if (n.isUp() && random.nextDouble() < p && up.cardinality() > 1) {
                n.crash();
                up.clear(n.index());
                crashes++;
                trace.add(scheduler.now(), n.name() + " crash");
                long down = (long) (config.restartAfterMs() * (0.5 + random.nextDouble()));
                scheduler.schedule(down, () -> startNode(n, "restart"));
            }
        }
        scheduler.schedule(1_000, this::crashRound);
    }

    private void stopFaults() {
        faultsOn = false;
        links.faults(false);
        heal();
        for (SimNode n : nodes) {
            startNode(n, "restart");
        }
        trace.add(scheduler.now(), "faults stopped");
    }

    private boolean faultActive() {
        return (partitionStart >= 0 && partitionEnd < 0) || up.cardinality() < nodes.size();
    }

    // ------------------------------------------------------------ invariants

    /** Called by a node's store for every record it newly stores. */
    void stored(SimNode n, DecodedRecord r) {
        long key = ByteBuffer.wrap(r.id()).getLong();
        trace.mix(n.index(), key, scheduler.now());
        if (forged.contains(key)) {
            violation("authenticity", n.name() + " stored forged record " + r.idText());
        }
        propagation.stored(n.index(), r.id(), scheduler.now(), !faultActive());
    }

    /** Called when a node created (signed and stored) a record. */
    void created(SimNode n, DecodedRecord r) {
        createdByKind.merge(r.kind(), 1L, Long::sum);
        if (r.kind() == RecordKind.SUBMIT && r.record().getSubmit().hasTrigger()) {
            long tick = r.record().getSubmit().getTrigger().getTickMs();
            String pid = r.idText();
            cronSignatures++;
            String before = cronTicks.putIfAbsent(tick, pid);
            if (before != null && !before.equals(pid)) {
                violation("one process per tick", "tick " + tick + " made processes " + before + " and " + pid);
            }
            submitted.add(pid);
        }
        if (r.kind() == RecordKind.CLAIM || r.kind() == RecordKind.CLOSE || r.kind() == RecordKind.FAIL) {
            trace.add(scheduler.now(), n.name() + " " + r.kind() + " " + Hex.encode(r.processId()).substring(0, 12)
                    + " attempt " + r.attempt());
        }
    }

    /**
     * Every overlap is a violation, counted with its cause. Overlaps do not stop the run (unlike the
     * other invariants), so that the other invariants are still checked after a partition.
     */
    private void overlap(ExecutionLog.Run live, ExecutionLog.Run started) {
        long window = config.leaseMs() + ledgerConfig.graceMs() + 2 * config.skewMs();
        boolean partitioned = partitionStart >= 0 && partitionStart <= started.startMs()
                && (partitionEnd < 0 || partitionEnd >= started.startMs() - window);
        DoubleExecution d = DoubleExecution.of(live, started, partitioned);
        doubleExecutions.add(d);
        violation(SINGLE_LIVE_LEASE, d.detail());
    }

    /** True once an invariant other than single live lease is broken: the run stops there. */
    private boolean stopped() {
        return violations.stream().anyMatch(v -> !v.invariant().equals(SINGLE_LIVE_LEASE));
    }

    private void violation(String invariant, String detail) {
        trace.add(scheduler.now(), "VIOLATION " + invariant + ": " + detail);
        violations.add(new Violation(invariant, detail, scheduler.now() - START_MS, config.seed(), trace.recent()));
    }

    /** True once every node is up, has every process in a final state and every ledger agrees. */
    private boolean settled() {
        if (up.cardinality() < nodes.size()) {
            return false;
        }
        long fp = nodes.get(0).fingerprint();
        for (SimNode n : nodes) {
            if (n.fingerprint() != fp) {
                return false;
            }
        }
        for (SimNode n : nodes) {
            for (String pid : submitted) {
                ProcessSummary s = n.ledger().summary(Hex.decode(pid, 32, "process id")).orElse(null);
                if (s == null || !s.state().isFinal()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every cron tick between its addition and its removal made a process (nodes were always up). */
    private void checkCronTicks() {
        if (cronId == null) {
            return;
        }
        long first = (cronAddedAt / 1000 / cronEverySec + 1) * cronEverySec * 1000;
        for (long t = first; t < cronRemovedAt - 2_000; t += cronEverySec * 1000L) {
            if (!cronTicks.containsKey(t)) {
                violation("every cron tick runs", "no process for the tick at +" + (t - START_MS) + " ms");
                return;
            }
        }
    }

    private void finalChecks() {
        checkCronTicks();
        SyncDigest reference = nodes.get(0).store().digest();
        List<byte[]> xors = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int b = 0; b < SyncDigest.BUCKETS; b++) {
            xors.add(reference.bucketXor(b));
            counts.add(reference.bucketCount(b));
        }
        for (SimNode n : nodes) {
            if (!n.isUp()) {
                violation("convergence", n.name() + " is down after the faults stopped");
                return;
            }
            List<Integer> differing = n.store().digest().differing(xors, counts);
            if (!differing.isEmpty()) {
                violation("convergence", n.name() + " differs from n0 in " + differing.size() + " digest buckets");
                return;
            }
            for (String pid : submitted) {
                ProcessSummary s = n.ledger().summary(Hex.decode(pid, 32, "process id")).orElse(null);
                if (s == null) {
                    violation("no process lost", n.name() + " does not know process " + pid);
                    return;
                }
                if (!s.state().isFinal()) {
                    violation("termination", "process " + pid + " is " + s.state() + " at " + n.name());
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------ report data

    Set<String> submitted() {
        return submitted;
    }

    /** Cron ticks that made a process, and signatures of tick submissions (nodes that signed each, summed). */
    long[] cronStats() {
        return new long[] {cronTicks.size(), cronSignatures};
    }

    Propagation propagation() {
        return propagation;
    }

    Map<RecordKind, Long> createdByKind() {
        return createdByKind;
    }

    long[] messages() {
        return messages;
    }

    long[] bytes() {
        return bytes;
    }

    long convergenceMs() {
        return convergenceMs;
    }

    List<DoubleExecution> doubleExecutions() {
        return List.copyOf(doubleExecutions);
    }

    long crashes() {
        return crashes;
    }

    long forgedRefusals() {
        return forgedRefusals;
    }

    int forgedInjected() {
        return forged.size();
    }

    /** The reference ledger for outcome counts: node 0. */
    Ledger referenceLedger() {
        return nodes.get(0).ledger();
    }

    private byte[] seedBytes(String label) {
        return Records.sha256((config.seed() + "/" + label).getBytes(StandardCharsets.UTF_8));
    }
}
