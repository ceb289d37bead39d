package io.colony.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.colony.node.api.ApiError;
import io.colony.node.api.ApiMembers;
import io.colony.node.api.ApiServer;
import io.colony.node.api.ApiSettings;
import io.colony.node.api.ApiTls;
import io.colony.node.api.Assignment;
import io.colony.node.api.ColonyService;
import io.colony.node.api.ProcessLogs;
import io.colony.node.api.StateEvent;
import io.colony.node.api.StateFeed;
import io.colony.node.cluster.ClusterManager;
import io.colony.node.cluster.ColonyNetwork;
import io.colony.node.cluster.MemberDirectory;
import io.colony.node.replication.DigestedRecordStore;
import io.colony.node.replication.LedgerSyncSource;
import io.colony.node.exec.CliRunner;
import io.colony.node.exec.ProcessWatchdog;
import io.colony.node.exec.Runner;
import io.colony.node.lease.LeaseConfig;
import io.colony.node.lease.LeaseManager;
import io.colony.node.metrics.NodeMetrics;
import io.colony.node.ledger.ApplyResult;
import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LogView;
import io.colony.node.ledger.Outcome;
import io.colony.node.ledger.ProcessSummary;
import io.colony.node.ledger.Resources;
import io.colony.node.runtime.ExecutionJournal;
import io.colony.node.runtime.LocalExecutor;
import io.colony.node.runtime.RunPermission;
import io.colony.node.runtime.TriggerSubmitter;
import io.colony.node.store.MapDbRecordStore;
import io.colony.node.store.RecordStore;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.Ids;
import io.colony.protocol.ProcessEvent;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.WorkflowView;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.TriggerView;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A colony node: the ledger of signed process records, the built-in executor and the HTTP API.
 *
 * <p>Threading: one single-threaded loop owns the ledger; every state change and every ledger read
 * runs on it. Signatures of client records are verified before they reach the loop (on the HTTP
 * threads). The loop ticks every {@link NodeConfig#tickMs()} for timeouts, leases and log flushing.
 *
 * <p>Durability: records are acknowledged after the ledger's commit; after {@code kill -9} a
 * restarted node has every acknowledged record, and a process that was RUNNING is re-assigned once
 * its lease expires.
 */
public final class Node implements ColonyService, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** How long an offered process is kept back from other external executors. */
    private static final long OFFER_HOLD_MS = 2_000;
    /** Least claim settle time when the node has peers. */
    static final long MIN_SETTLE_WITH_PEERS_MS = 1_000;
    /** With peers, idle executors take turns at claiming a new process within this window. */
    static final long CLAIM_SPREAD_WITH_PEERS_MS = 500;
    /** With peers, nodes take turns at proposing a due Fail within this window. */
    static final long FAIL_SPREAD_WITH_PEERS_MS = 1_000;
    /**
     * Longest wait, after the settle time, for connected peers to answer the check of an own claim
     * before the attempt starts anyway (a peer that does not answer in time is probably cut off); at
     * most a third of the lease.
     */
    static final long CLAIM_CHECK_WAIT_MS = 4_000;
    /** With peers, nodes take turns at submitting what crons and generators owe, this long each. */
    static final long TRIGGER_TURN_MS = 300;
    /** How often the loop looks for due cron ticks and generator groups. */
    static final long TRIGGER_CHECK_MS = 200;
    /** due Fail (process/attempt) -> when this node first saw it due; loop thread only */
    private final Map<String, Long> failsDueSince = new HashMap<>();
    /** Most client records applied in one ledger commit. */
    private static final int MAX_BATCH = 512;

    private final NodeConfig config;
    private final Identity identity;
    private final byte[] colonyId;
    private final String name;
    private final ScheduledExecutorService loop;
    /** loop thread only */
    private final TriggerSubmitter triggerSubmitter;
    private long nextTriggerCheck;
    private final DigestedRecordStore store;
    private final Ledger ledger;
    private final MemberDirectory members;
    private final ApiMembers apiMembers;
    private final ColonyNetwork network;
    private final CompletableFuture<String> fatal = new CompletableFuture<>();
    private final LedgerSyncSource fromPeers;
    private final LeaseManager leases;
    private final NodeMetrics metrics;
    private volatile SignedRecord ownAdmit;
    private final ProcessWatchdog watchdog;
    private final CliRunner cliRunner;
    private final LocalExecutor executor;
    private final List<Waiter> waiters = new ArrayList<>();
    private final StateFeed feed = new StateFeed();
    private final Map<String, Long> offers = new HashMap<>();
    private final io.colony.node.runtime.ExecutorRegistry executorRegistry = new io.colony.node.runtime.ExecutorRegistry();
    private final Queue<Pending> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ApiServer api;
    private boolean pollPending;
    private volatile boolean closed;
    private boolean networkClosed;

    /** A client record waiting for the next group commit. */
    private record Pending(DecodedRecord record, CompletableFuture<ProcessView> reply) {
    }

    /** An external executor waiting for work. */
    private record Waiter(String type, String name, Resources offer, CompletableFuture<Optional<Assignment>> future,
                          long deadline) {
    }

    private Node(NodeConfig config) {
        this.config = config;
        this.colonyId = Ids.parseMemberId(config.colonyId());
        this.identity = KeyFiles.readOrCreateInDataDir(config.nodeKeyFile()); // data dir 0700, key 0600
        this.name = config.executorName() != null ? config.executorName()
                : "node-" + identity.memberId().substring(0, 8);
        java.util.concurrent.ScheduledThreadPoolExecutor loopExecutor = new java.util.concurrent.ScheduledThreadPoolExecutor(
                1, r -> {
                    Thread t = new Thread(r, "ledger-loop");
                    t.setDaemon(true);
                    return t;
                });
        // on close, the queued work drains but timers due later (ticks, sync rounds) are dropped:
        // otherwise closing waits for the furthest timer
        loopExecutor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.loop = loopExecutor;
        this.members = new MemberDirectory(colonyId);
        this.apiMembers = new ApiMembers(colonyId);
        this.metrics = new NodeMetrics(config.executorType() == null ? 0 : config.capacity());
        this.store = new DigestedRecordStore(MapDbRecordStore.open(config.ledgerFile()), this::onStored);
        this.ledger = new Ledger(colonyId, config.ledger(), store);
        this.triggerSubmitter = new TriggerSubmitter(identity, TRIGGER_TURN_MS);
        for (SignedRecord m : store.membership()) {
            onStored(Records.decode(m));
        }
        if (config.executorType() != null) {
            Runner runner = config.runner();
            if (runner == null) {
                this.watchdog = ProcessWatchdog.start(config.watchdogFile());
                this.cliRunner = new CliRunner(watchdog, config.execLimits(), null, config.execPolicy());
                runner = cliRunner;
            } else {
                this.watchdog = null;
                this.cliRunner = null;
            }
            this.leases = new LeaseManager(colonyId, identity.publicKey(), name, config.executorType(),
                    config.capacity(), leaseTiming(config), config.resources());
            this.executor = new LocalExecutor(ledger, leases, runner, this::signAndApply, loop, System::currentTimeMillis,
                    ExecutionJournal.open(config.dataDir()));
            if (cliRunner != null) {
                leases.setClaimFilter(new RunPermission(ledger, config.execPolicy())); // claims only what it may run
            }
        } else {
            this.watchdog = null;
            this.cliRunner = null;
            this.executor = null;
            this.leases = null;
        }
        // records from other nodes are applied like any other, but not published again (gossip
        // forwards them already)
        this.fromPeers = new LedgerSyncSource(ledger, store, System::currentTimeMillis, r -> {
            if (!r.changes().isEmpty()) {
                feed.publish(r.changes()); // subscribers hear of changes made elsewhere too
                requestPoll();
            }
        });
        this.network = config.network() == null ? null
                : new ColonyNetwork(identity, colonyId, name, config.network(), loop, fromPeers, members,
                        () -> ownAdmit, admit -> loop.execute(() -> fromPeers.ingest(List.of(admit), "hello")));
        if (leases != null && network != null && network.catchingUp()) {
            leases.setCapacity(0); // until the first tick: see tickSafely
        }
        if (network != null) { // e.g. every bootstrap peer belongs to another colony: stop, saying why
            network.onFatal(why -> {
                if (fatal.complete(why)) {
                    new Thread(this::close, "node-fatal-stop").start();
                }
            });
        }
    }

    /**
     * Completes with one line saying why, when the node stopped by itself because it cannot take
     * part in its colony (its bootstrap peers all belong to another colony).
     */
    public CompletableFuture<String> fatalError() {
        return fatal;
    }

    /**
     * Lease timing as configured; with peers, a renewal is confirmed only by reaching them (never by
     * the local ledger alone) and a claim settles for at least {@link #MIN_SETTLE_WITH_PEERS_MS}
     * before the process starts, so that competing claims from other nodes arrive first, and until every
     * connected member peer answered the claim check (at most {@link #CLAIM_CHECK_WAIT_MS} more), and idle
     * executors take turns at claiming (spread over {@link #CLAIM_SPREAD_WITH_PEERS_MS}) so that one
     * claim is usually made per process instead of one per idle executor.
     */
    static LeaseConfig leaseTiming(NodeConfig config) {
        LeaseConfig l = config.lease();
        if (config.network() == null) {
            return l;
        }
        long settle = Math.max(l.settleMs(), MIN_SETTLE_WITH_PEERS_MS);
        return new LeaseConfig(l.leaseMs(), settle, l.renewEveryMs(), l.safetyMarginMs(),
                Math.max(l.claimTimeoutMs(), settle + l.leaseMs()), false,
                l.claimSpreadMs() > 0 ? l.claimSpreadMs() : CLAIM_SPREAD_WITH_PEERS_MS,
                l.claimCheckMs() > 0 ? l.claimCheckMs() : settle + Math.min(CLAIM_CHECK_WAIT_MS, l.leaseMs() / 3));
    }

    /**
     * Opens the data dir, replays the ledger, starts the loop, the executor and the API.
     *
     * @throws IllegalStateException with one readable line if the node cannot start
     */
    public static Node start(NodeConfig config) {
        Node node = new Node(config);
        try {
            node.begin();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void begin() {
        if (network != null && config.network().ownAdmit() != null) {
            call(() -> fromPeers.ingest(List.of(config.network().ownAdmit()), "join token")).join();
        }
        loop.scheduleWithFixedDelay(this::tickSafely, 0, config.tickMs(), TimeUnit.MILLISECONDS);
        if (network != null) {
            network.start();
            log.info("peer {} listening on {}", network.peerId(), network.addresses());
        }
        if (config.apiPort() >= 0) {
            ApiSettings a = config.apiSettings();
            api = new ApiServer(this, new ObjectMapper(), config.apiHost(), config.apiPort(), a, apiMembers,
                    a.tlsOn() ? ApiTls.load(a, config.dataDir()) : null);
            api.start();
        }
        long now = System.currentTimeMillis();
        long jvmMs = now - ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainMs = now - Long.getLong("colony.main.ms", ManagementFactory.getRuntimeMXBean().getStartTime());
        metrics.started(mainMs);
        log.info("node {} ({}) of colony {} started, API listening {} ms after main ({} ms after the JVM, {} ms of cpu):"
                        + " {} processes, executor {}", name, identity.memberId(), Hex.encode(colonyId), mainMs, jvmMs,
                cpuMillis(), call(ledger::size).join(),
                config.executorType() == null ? "none" : config.executorType() + " x" + config.capacity());
        loop.schedule(() -> {
            if (config.executorType() != null && !ledger.isMember(identity.publicKey(), System.currentTimeMillis())) {
                log.warn("this node's key {} is not admitted to the colony: its claims do not count",
                        identity.memberId());
            }
        }, 3, TimeUnit.SECONDS);
    }

    /** CPU time this JVM used so far (all threads), or -1 if unknown. */
    private static long cpuMillis() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1_000_000 : -1;
    }

    // ------------------------------------------------------------------ accessors

    /** The configuration. */
    public NodeConfig config() {
        return config;
    }

    /** The node's identity (its key signs claims, renewals, closes and timeouts). */
    public Identity identity() {
        return identity;
    }

    /** The colony id (owner's public key, hex). */
    public String colonyId() {
        return Hex.encode(colonyId);
    }

    /** The executor name of this node. */
    public String name() {
        return name;
    }

    /** The SHA-256 fingerprint of the API's TLS certificate, or null without TLS or API. */
    public String apiTlsFingerprint() {
        return api == null ? null : api.tlsFingerprint();
    }

    /** Connections open on the API now (0 without API). */
    public int apiOpenConnections() {
        return api == null ? 0 : api.openConnections();
    }

    /** The bound API port, or -1 without API. */
    public int apiPort() {
        return api == null ? -1 : api.port();
    }

    /** Applies records signed elsewhere (e.g. Admit records of the owner) as if received; returns outcomes. */
    public CompletableFuture<List<Outcome>> applyRecords(List<SignedRecord> records) {
        List<DecodedRecord> decoded = records.stream().map(Records::open).toList();
        return call(() -> applyVerified(decoded, NodeMetrics.Source.CLIENT).outcomes());
    }

    /** True if {@code memberKey} may sign records now (the owner or an admitted member). */
    public CompletableFuture<Boolean> isMember(byte[] memberKey) {
        return call(() -> ledger.isMember(memberKey, System.currentTimeMillis()));
    }

    // ------------------------------------------------------------------ ColonyService

    @Override
    public CompletableFuture<Map<String, Object>> info() {
        return call(() -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("colony", Hex.encode(colonyId));
            m.put("node", identity.memberId());
            m.put("name", name);
            m.put("executorTypes", config.executorType() == null ? List.of() : List.of(config.executorType()));
            m.put("capacity", config.capacity());
            m.put("resources", Map.of("cpuMillis", config.resources().cpuMillis(),
                    "memoryMb", config.resources().memoryMb(), "gpus", config.resources().gpus()));
            m.put("version", version());
            Map<String, Long> counts = new LinkedHashMap<>();
            for (ProcessState s : ProcessState.values()) {
                counts.put(s.name(), ledger.counts().getOrDefault(s, 0L));
            }
            m.put("processes", counts);
            m.put("running", executor == null ? 0 : executor.running());
            if (apiTlsFingerprint() != null) {
                m.put("tlsFingerprint", apiTlsFingerprint());
            }
            if (network != null) {
                m.put("peerId", network.peerId());
                m.put("addresses", network.addresses());
                m.put("peers", peerList(network.peers()));
            }
            return m;
        });
    }

    /**
     * Queues a verified client record; records queued while the loop is busy are applied together in
     * one ledger commit (group commit).
     */
    @Override
    public CompletableFuture<ProcessView> apply(DecodedRecord record) {
        Pending p = new Pending(record, new CompletableFuture<>());
        inbox.add(p);
        scheduleDrain();
        return p.reply();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drainInbox);
            } catch (RejectedExecutionException e) {
                Pending p;
                while ((p = inbox.poll()) != null) {
                    p.reply().completeExceptionally(ApiError.unavailable("node is shutting down"));
                }
            }
        }
    }

    private void drainInbox() {
        drainScheduled.set(false);
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < MAX_BATCH && (next = inbox.poll()) != null) {
            batch.add(next);
        }
        if (!inbox.isEmpty()) {
            scheduleDrain();
        }
        if (batch.isEmpty()) {
            return;
        }
        ApplyResult result;
        try {
            result = applyVerified(batch.stream().map(Pending::record).toList(), NodeMetrics.Source.CLIENT, true);
        } catch (RuntimeException e) {
            batch.forEach(b -> b.reply().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending b = batch.get(i);
            try {
                b.reply().complete(replyFor(b.record(), result.outcomes().get(i)));
            } catch (RuntimeException e) {
                b.reply().completeExceptionally(e);
            }
        }
    }

    /** The API answer for an applied client record: its process afterwards, or the refusal. */
    private ProcessView replyFor(DecodedRecord record, Outcome o) {
        switch (o.status()) {
            case REFUSED -> throw refused(o.reason());
            case HELD -> throw o.reason().contains("member")
                    ? ApiError.forbidden("signer " + record.signerId() + " is not a member of this colony")
                    : ApiError.notFound("no process " + Hex.encode(record.processId()));
            default -> { }
        }
        if (record.kind().isMembership() || record.kind().isTrigger()) {
            return null;
        }
        ProcessView v = ledger.get(record.processId())
                .orElseThrow(() -> ApiError.notFound("no process " + Hex.encode(record.processId())));
        if (record.kind() != RecordKind.SUBMIT && record.kind() != RecordKind.LOG) {
            for (ProcessEvent e : v.history()) {
                if (e.recordId().equals(record.idText()) && e.ignored()) {
                    throw ApiError.conflict("record had no effect: " + e.detail());
                }
            }
        }
        return v;
    }

    @Override
    public CompletableFuture<List<TriggerView>> triggers() {
        return call(() -> ledger.triggers(System.currentTimeMillis()));
    }

    @Override
    public CompletableFuture<Optional<TriggerView>> trigger(byte[] id) {
        return call(() -> ledger.trigger(id, System.currentTimeMillis()));
    }

    @Override
    public CompletableFuture<Optional<ProcessView>> process(byte[] id) {
        return call(() -> ledger.get(id));
    }

    @Override
    public CompletableFuture<List<ProcessView>> list(ProcessState state, int limit) {
        return call(() -> ledger.list(state, limit));
    }

    @Override
    public CompletableFuture<List<ProcessView>> list(ProcessState state, String executorType, String label, int limit) {
        return call(() -> ledger.list(state, executorType, label, limit));
    }

    @Override
    public CompletableFuture<List<WorkflowView>> workflows(ProcessState state, int limit) {
        return call(() -> {
            List<WorkflowView> out = new ArrayList<>();
            for (byte[] id : ledger.workflowIds()) {
                if (out.size() >= limit) {
                    break;
                }
                if (state == null || ledger.workflowState(id).orElse(null) == state) {
                    out.add(WorkflowView.of(Hex.encode(id), ledger.workflowMembers(id).orElseThrow().stream()
                            .map(p -> ledger.get(p).orElseThrow()).toList()));
                }
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<List<io.colony.protocol.MemberView>> members() {
        return call(() -> io.colony.node.api.MemberListing.of(colonyId, ledger.membershipRecords(),
                System.currentTimeMillis()));
    }

    @Override
    public CompletableFuture<List<String>> idsWithPrefix(String kind, String prefix, int max) {
        return call(() -> switch (kind) {
            case "process" -> ledger.idsWithPrefix(prefix, false, max);
            case "workflow" -> ledger.idsWithPrefix(prefix, true, max);
            case "cron", "generator" -> ledger.triggers(System.currentTimeMillis()).stream()
                    .filter(t -> t.kind().equals(kind) && t.id().startsWith(prefix)).map(TriggerView::id).limit(max).toList();
            case "member" -> io.colony.node.api.MemberListing.of(colonyId, ledger.membershipRecords(),
                    System.currentTimeMillis()).stream().map(io.colony.protocol.MemberView::id)
                    .filter(m -> m.startsWith(prefix)).limit(max).toList();
            default -> List.of();
        });
    }

    @Override
    public CompletableFuture<Optional<ProcessLogs>> logs(byte[] id) {
        return call(() -> {
            if (ledger.summary(id).isEmpty()) {
                return Optional.empty();
            }
            LogView l = ledger.logs(id);
            return Optional.of(new ProcessLogs(l.lines(), l.droppedLines(), l.entries()));
        });
    }

    @Override
    public CompletableFuture<Optional<WorkflowView>> workflow(byte[] id) {
        return call(() -> ledger.workflowMembers(id).map(ids -> WorkflowView.of(Hex.encode(id),
                ids.stream().map(p -> ledger.get(p).orElseThrow()).toList())));
    }

    @Override
    public CompletableFuture<Optional<AutoCloseable>> subscribe(byte[] id, java.util.function.Consumer<List<StateEvent>> listener) {
        return call(() -> {
            List<byte[]> ids = ledger.summary(id).isPresent() ? List.of(id) : ledger.workflowMembers(id).orElse(List.of());
            List<StateEvent> now = new ArrayList<>();
            for (byte[] p : ids) {
                ledger.summary(p).ifPresent(s -> now.add(new StateEvent(s.processIdText(), s.state(), s.attempt(),
                        s.executorId())));
            }
            return now.isEmpty() ? Optional.<AutoCloseable>empty() : Optional.of(feed.subscribe(now, listener));
        });
    }

    @Override
    public CompletableFuture<Optional<Assignment>> assign(String executorType, String executorName,
                                                          String executorId, Duration timeout, Resources offer) {
        byte[] key = Ids.parseMemberId(executorId);
        return call(() -> {
            long now = System.currentTimeMillis();
            if (!ledger.isMember(key, now)) {
                throw ApiError.forbidden("executor " + executorId + " is not a member of this colony");
            }
            executorRegistry.polled(executorId, executorName, executorType, offer, identity.memberId(), now);
            Optional<Assignment> a = offer(executorType, executorName, offer, now);
            if (a.isPresent() || timeout.isZero()) {
                return CompletableFuture.completedFuture(a);
            }
            Waiter w = new Waiter(executorType, executorName, offer, new CompletableFuture<>(),
                    now + timeout.toMillis());
            waiters.add(w);
            return w.future();
        }).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<List<Map<String, Object>>> executors() {
        return call(() -> {
            long now = System.currentTimeMillis();
            io.colony.node.runtime.ExecutorRegistry.BuiltIn own = config.executorType() == null ? null
                    : new io.colony.node.runtime.ExecutorRegistry.BuiltIn(identity.memberId(), name,
                            config.executorType(), config.capacity(), config.resources());
            java.util.Set<String> nodes = new java.util.HashSet<>();
            ledger.nodeMembers(now).forEach(k -> nodes.add(Hex.encode(k)));
            return executorRegistry.list(own, ledger.list(ProcessState.RUNNING, 1000), nodes, now);
        });
    }

    @Override
    public CompletableFuture<Map<String, Object>> status() {
        return call(() -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", identity.memberId());
            m.put("name", name);
            m.put("version", version());
            m.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
            if (apiTlsFingerprint() != null) {
                m.put("tlsFingerprint", apiTlsFingerprint());
            }
            m.put("peers", network == null ? 0 : network.peers().size());
            m.put("knownPeers", network == null ? 0 : network.knownPeers().size());
            m.put("isolated", network != null && network.isolated());
            m.put("claimChecksAnswered", network == null ? 0 : network.claimChecksAnswered());
            m.put("ledgerProcesses", ledger.size());
            m.put("heldRecords", ledger.heldCount());
            m.put("damagedJournalEntries", ledger.damagedEntries());
            Map<String, Long> counts = new LinkedHashMap<>();
            ledger.counts().forEach((k, v) -> counts.put(k.name(), v));
            m.put("processes", counts);
            m.put("executorType", config.executorType());
            m.put("capacity", config.executorType() == null ? 0 : config.capacity());
            m.put("leasesHeld", leases == null ? 0 : leases.active());
            m.put("running", executor == null ? 0 : executor.running());
            Runtime rt = Runtime.getRuntime();
            m.put("heapUsedBytes", rt.totalMemory() - rt.freeMemory());
            m.put("heapMaxBytes", rt.maxMemory());
            return m;
        });
    }

    @Override
    public CompletableFuture<String> metrics() {
        return call(() -> {
            metrics.update(new NodeMetrics.Snapshot(ledger.counts(), ledger.size(), ledger.heldCount(),
                    leases == null ? 0 : leases.active(), executor == null ? 0 : executor.running(),
                    network == null ? 0 : network.peers().size(), network == null ? 0 : network.pulledRecords()));
            return null;
        }).thenApplyAsync(v -> metrics.scrape());
    }

    // ------------------------------------------------------------------ loop internals

    private Optional<Assignment> offer(String type, String executorName, Resources resources, long now) {
        offers.values().removeIf(until -> until <= now);
        for (ProcessSummary s : ledger.claimable(type, executorName, resources, now, offers.size() + 1)) {
            String id = s.processIdText();
            if (offers.containsKey(id)) {
                continue;
            }
            Optional<ProcessView> view = ledger.get(s.processId());
            if (view.isEmpty()) {
                continue;
            }
            offers.put(id, now + OFFER_HOLD_MS);
            Record claim = Records.claim(colonyId, now, s.processId(), s.attempt() + 1, executorName, type,
                    now + config.lease().leaseMs(), resources.cpuMillis(), resources.memoryMb(), resources.gpus());
            return Optional.of(new Assignment(view.get(), Base64.getEncoder().encodeToString(claim.toByteArray())));
        }
        return Optional.empty();
    }

    private void serveWaiters(long now) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.future().isDone()) {
                it.remove();
                continue;
            }
            Optional<Assignment> a = offer(w.type(), w.name(), w.offer(), now);
            if (a.isPresent() || now >= w.deadline()) {
                it.remove();
                w.future().complete(a);
            }
        }
    }

    private void tickSafely() {
        try {
            long now = System.currentTimeMillis();
            List<Record> due = proposeFails(ledger.tick(now), now);
            if (!due.isEmpty()) {
                signAndApply(due);
            }
            if (executor != null) {
                if (network != null) {
                    // cut off from the colony, or not caught up with it after a restart: claim nothing new
                    // (running work stops on its own)
                    leases.setCapacity(network.isolated() || network.catchingUp() ? 0 : config.capacity());
                }
                executor.poll();
                executor.flushLogs();
            }
            serveWaiters(now);
            if (now >= nextTriggerCheck) {
                nextTriggerCheck = now + TRIGGER_CHECK_MS;
                submitDueTriggers(now);
            }
        } catch (RuntimeException e) {
            log.error("tick failed", e);
        }
    }

    /** Signs and applies what crons and generators owe (see {@link TriggerSubmitter}). */
    private void submitDueTriggers(long now) {
        boolean withPeers = network != null && !network.peers().isEmpty();
        boolean unsure = network != null && (network.isolated() || network.catchingUp());
        List<DecodedRecord> ready = new ArrayList<>();
        for (SignedRecord r : triggerSubmitter.due(ledger, now, withPeers, unsure)) {
            ready.add(Records.decode(r));
        }
        if (!ready.isEmpty()) {
            log.info("submitting {} process(es) or workflow(s) due from crons and generators", ready.size());
            applyVerified(ready, NodeMetrics.Source.LOCAL);
        }
    }

    /**
     * Every node sees the same timeouts; with peers, each proposes a due Fail only after a delay in
     * [0, {@link #FAIL_SPREAD_WITH_PEERS_MS}) drawn from its key and the process, so that usually one
     * node's Fail reaches the others before they propose their own (extra ones would be harmless
     * no-ops, but they cost every node a signature check and a stored record).
     */
    private List<Record> proposeFails(List<Record> due, long now) {
        if (network == null) {
            return due;
        }
        java.util.Set<String> current = new java.util.HashSet<>();
        List<Record> ready = new ArrayList<>();
        for (Record r : due) {
            if (!r.hasFail()) {
                ready.add(r);
                continue;
            }
            byte[] pid = r.getFail().getProcessId().toByteArray();
            String key = Hex.encode(pid) + "/" + r.getFail().getAttempt();
            current.add(key);
            long first = failsDueSince.computeIfAbsent(key, k -> now);
            if (now >= first + spread(pid, FAIL_SPREAD_WITH_PEERS_MS)) {
                ready.add(r);
            }
        }
        failsDueSince.keySet().retainAll(current);
        return ready;
    }

    private long spread(byte[] processId, long windowMs) {
        return Math.floorMod(java.util.Arrays.hashCode(processId) * 31L + identity.memberId().hashCode(), windowMs);
    }

    private void signAndApply(List<Record> bodies) {
        List<DecodedRecord> decoded = new ArrayList<>(bodies.size());
        for (Record b : bodies) {
            decoded.add(Records.decode(Records.sign(identity, b)));
        }
        applyVerified(decoded, NodeMetrics.Source.LOCAL);
    }

    private ApplyResult applyVerified(List<DecodedRecord> records, NodeMetrics.Source source) {
        return applyVerified(records, source, false);
    }

    /** With {@code client}, under the ledger's rules for records posted to the API (never held). */
    private ApplyResult applyVerified(List<DecodedRecord> records, NodeMetrics.Source source, boolean client) {
        long t0 = System.nanoTime();
        ApplyResult r = client ? ledger.applyClient(records, System.currentTimeMillis())
                : ledger.applyVerified(records, System.currentTimeMillis());
        metrics.applied(source, (int) r.outcomes().stream().filter(o -> o.status() == Outcome.Status.REFUSED).count(),
                System.nanoTime() - t0);
        List<SignedRecord> fresh = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (r.outcomes().get(i).status() == Outcome.Status.ACCEPTED) {
                fresh.add(records.get(i).signed());
            }
        }
        if (!fresh.isEmpty()) {
            try {
                if (network != null) {
                    metrics.published(fresh.size());
                    confirmRenewals(records, r, network.publish(fresh));
                }
            } catch (RuntimeException e) {
                log.warn("publishing records failed: {}", e.toString());
            }
        }
        if (!r.changes().isEmpty()) {
            feed.publish(r.changes());
            requestPoll();
        }
        return r;
    }

    /** Every record newly stored, on the loop (and once per membership record at start). */
    private void onStored(DecodedRecord r) {
        metrics.stored();
        members.observe(r);
        apiMembers.observe(r);
        executorRegistry.observe(r);
        if (r.kind() == RecordKind.ADMIT && identity.is(r.record().getAdmit().getMember().toByteArray())) {
            ownAdmit = r.signed();
        }
        if (r.kind() == RecordKind.LOG) {
            feed.publishLog(Hex.encode(r.processId())); // 'log follow' fetches the new lines
        }
    }

    /**
     * With peers, a renewal counts as confirmed once it went out to at least one member peer, or
     * when this node is not {@linkplain ColonyNetwork#isolated() isolated} (a colony of one). A node
     * cut off from its peers stops confirming, and its lease logic kills the process before the
     * lease can expire elsewhere.
     */
    private void confirmRenewals(List<DecodedRecord> records, ApplyResult r, int reachedPeers) {
        if (leases == null || (reachedPeers == 0 && network.isolated())) {
            return;
        }
        for (int i = 0; i < records.size(); i++) {
            DecodedRecord d = records.get(i);
            if (d.kind() == RecordKind.RENEW && r.outcomes().get(i).stored() && identity.is(d.signer())) {
                leases.renewalConfirmed(d.processId(), d.attempt(), d.record().getRenew().getLeaseUntilMs());
            } else if (d.kind() == RecordKind.CLAIM && r.outcomes().get(i).stored() && identity.is(d.signer())) {
                leases.renewalConfirmed(d.processId(), d.attempt(), d.record().getClaim().getLeaseUntilMs());
                checkClaim(d);
            }
        }
    }

    /**
     * Shows an own claim to every connected member peer; the attempt may start once all answered
     * (their answers, a competing claim included, are applied first) or the wait ran out.
     */
    private void checkClaim(DecodedRecord claim) {
        byte[] pid = claim.processId();
        int attempt = claim.attempt();
        network.checkClaim(claim.signed()).whenComplete((v, e) -> {
            try {
                loop.execute(() -> {
                    leases.claimChecked(pid, attempt);
                    requestPoll();
                });
            } catch (RejectedExecutionException ignored) {
                // shutting down
            }
        });
    }

    private static List<Map<String, Object>> peerList(List<ClusterManager.PeerEntry> peers) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ClusterManager.PeerEntry p : peers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peerId", p.peerId());
            m.put("name", p.name());
            m.put("addresses", p.addresses());
            out.add(m);
        }
        return out;
    }

    private void requestPoll() {
        if (pollPending || closed) {
            return;
        }
        pollPending = true;
        loop.execute(() -> {
            pollPending = false;
            try {
                if (executor != null) {
                    executor.poll();
                }
                serveWaiters(System.currentTimeMillis());
            } catch (RuntimeException e) {
                log.error("executor poll failed", e);
            }
        });
    }

    private static ApiError refused(String reason) {
        if (reason.startsWith("forbidden: ")) {
            return ApiError.forbidden(reason.substring("forbidden: ".length()));
        }
        if (reason.startsWith("no process ")) {
            return ApiError.notFound(reason);
        }
        if (reason.contains("signature")) {
            return ApiError.unauthorized(reason);
        }
        if (reason.contains("owner") || reason.contains("member") || reason.contains("another colony")) {
            return ApiError.forbidden(reason);
        }
        return ApiError.badRequest("body", "record refused: " + reason);
    }

    private <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    f.complete(task.call());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(ApiError.unavailable("node is shutting down"));
        }
        return f;
    }

    private static String version() {
        String v = Node.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    // ------------------------------------------------------------------ shutdown

    /** How long to wait for the killed processes of a shutdown to exit. */
    private static final long STOP_WAIT_MS = 5_000;
    /** Time given to the gossip of release records before the network closes. */
    private static final long GOSSIP_FLUSH_MS = 300;

    /** Kills the running processes and releases their attempts (see {@link #close()}); returns how many. */
    private int releaseWork() {
        try {
            if (executor != null) {
                call(executor::stopForRelease).thenCompose(f -> f).get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            log.warn("waiting for the processes to stop: {}", e.toString());
        }
        try {
            return call(() -> {
                waiters.forEach(w -> w.future().complete(Optional.empty()));
                waiters.clear();
                int n = executor == null ? 0 : executor.releaseHeld();
                if (n > 0) {
                    log.info("released {} process(es) to the colony", n);
                }
                return n;
            }).get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("releasing held processes: {}", e.toString());
            return 0;
        }
    }

    private static void pauseForGossip() {
        try {
            Thread.sleep(GOSSIP_FLUSH_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops as a crash would, for failover tests in one JVM: leaves the network first, so nothing more
     * reaches the colony (neither releases nor closes of the attempts this node held: their leases
     * expire and other nodes take them over), then shuts down like {@link #close()}.
     */
    public synchronized void crash() {
        if (closed) {
            return;
        }
        if (network != null) {
            network.close();
            networkClosed = true;
        }
        close();
    }

    /**
     * Graceful shutdown: stops the API, kills the running processes, then signs and publishes a
     * release of every attempt this node holds (the processes return to WAITING at once, without
     * using up a retry, and other nodes take them), then leaves the network, drains the loop and
     * closes the ledger file. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (api != null) {
            api.close();
        }
        int released = releaseWork();
        if (network != null && !networkClosed) {
            if (released > 0 && !network.peers().isEmpty()) {
                pauseForGossip();
            }
            network.close();
        }
        loop.shutdown();
        try {
            if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (cliRunner != null) {
            cliRunner.close();
        }
        if (watchdog != null) {
            watchdog.close();
        }
        if (executor != null) {
            executor.closeJournal();
        }
        try {
            store.close();
        } catch (Exception e) {
            log.warn("closing the ledger file: {}", e.toString());
        }
        log.info("node {} stopped", name);
    }
}
