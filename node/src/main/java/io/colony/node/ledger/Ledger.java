package io.colony.node.ledger;

import io.colony.node.ledger.Membership.Member;
import io.colony.node.store.RecordStore;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.Ids;
import io.colony.protocol.InvalidInputException;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.TriggerRecords;
import io.colony.protocol.TriggerView;
import io.colony.protocol.pb.Record;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated ledger of one colony: a deterministic state machine over the set of authentic signed
 * records. No threads, no wall clock (time is an argument), not thread-safe: one owner thread calls it.
 *
 * <p><b>Determinism.</b> Every authentic record is kept (in the {@link RecordStore}); a process's state
 * is the fold of its records sorted by (timestamp, record id) under the rules of {@code Fold} (one
 * refinement: the Submit sorts first among records of its own millisecond); a record
 * that is not a valid transition at its place is kept as a no-op ("ignored" in the history). A record
 * that sorts before the latest one of its process re-folds the process from the store, so the result
 * does not depend on arrival order. Duplicates are idempotent.
 *
 * <p><b>What is refused</b> (not kept): records of another colony, records stamped more than
 * {@link LedgerConfig#maxFutureSkewMs()} after {@code now} (sync offers them again later), bad
 * signatures, Admit/Revoke not signed by the owner, a Submit or SubmitWorkflow without a nonce of
 * {@link Records#NONCE_BYTES} bytes, process records beyond
 * {@link LedgerConfig#maxRecordsPerProcess()} (renewals counted apart, up to
 * {@link #MAX_RENEWALS_PER_PROCESS}), log records older than dropped log lines.
 *
 * <p><b>Client records</b> ({@link #applyClient}: what a client posted to this node's API) are judged
 * strictly, because this node is the one that vouches for them to the colony: refused (and kept nowhere,
 * never held) if stamped more than {@link #CLIENT_WINDOW_MS} from {@code now} either way, if the signer
 * is not a valid member both at the record's timestamp and at {@code now} (so a revoked or expired key
 * cannot back-date a record before its revocation), if the signer's role at the timestamp may not sign
 * the record's kind, or if the record names a process this ledger does not know.
 *
 * <p><b>Records from peers</b> ({@link #applyVerified}, gossip and sync) are history: they are taken
 * whatever their age (at most {@code maxFutureSkewMs} ahead) and judged at their own timestamp, since
 * the member node that accepted one at its API checked its time then. What cannot be judged yet is
 * held (below); a record valid at its timestamp stays valid after a later Revoke. Every node thus keeps
 * the same set of records and folds it to the same state, whatever the order and path they arrive by.
 *
 * <p><b>What is held</b> (in memory, bounded by {@link LedgerConfig#maxHeldRecords()}, not durable; records
 * from peers only): records whose process's Submit is unknown, and records whose signer is not a member
 * at the record's timestamp, or whose role then may not sign the record, as far as we know yet (an Admit
 * may arrive later during sync). Held records are retried when the Submit or any Admit/Revoke arrives;
 * the oldest are dropped when the buffer is full.
 *
 * <p><b>Membership and roles.</b> The colony id is the owner's public key. A record counts only if its
 * signer is the owner or admitted, not expired and not revoked at the record's timestamp, with a role
 * (of its latest Admit then) that may sign the record's kind ({@code Membership#may}: the roles table
 * of the README's security model); which process records a member may sign beyond its role (only the
 * holder of an attempt renews, closes or logs it; only the submitter cancels; a timeout Fail needs a
 * node, the owner or the holder) is {@code Fold}'s. A Revoke takes effect
 * {@code Membership.REVOKE_LEAD_MS} (30 s, the client window) before its timestamp, so records the
 * revoked key back-dated into that window (which only a node not knowing the revocation yet could have
 * taken) count nowhere. A Revoke or Admit arriving late re-folds every process with records at or after
 * the time it takes effect: records that no longer count leave the store and are held, so the revoked
 * member's later records become no-ops. Trigger records (crons, generators) are
 * judged by role when they arrive and not re-judged by a later membership change.
 *
 * <p><b>Workflows.</b> A SubmitWorkflow creates one process per spec; a member may be claimed only once
 * every dependency succeeded at or before the claim's timestamp. When a process's outcome changes, its
 * dependents are re-folded.
 *
 * <p><b>Memory.</b> About 330 bytes per WAITING process in the heap, measured by the benchmark (spec
 * bodies, outputs, history and logs stay in the store and are re-folded on demand by
 * {@link #get(byte[])}). Timeouts are found through an index ordered by deadline, so {@link #tick(long)}
 * costs O(log n) plus the Fails it returns.
 *
 * <p><b>Logs.</b> LogAppend records are stored beside the process; {@link #logs(byte[])} returns only lines
 * signed by the executor of their attempt. Past {@link LedgerConfig#maxLogLines()} lines or
 * {@link LedgerConfig#maxLogBytes()} characters the oldest records are deleted (down to 90%) and later
 * copies of them are refused; the dropped-line count is not persisted across restarts.
 */
public final class Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
    /**
     * Reason of a Fail by which the running attempt's own executor hands a process back: while the
     * lease holds it returns the process to WAITING without using up a retry (at most 100 times per
     * process; later releases count as failed attempts).
     */
    public static final String RELEASE_REASON = Fold.RELEASE_REASON;
    /**
     * Renewals kept per process, beyond {@link LedgerConfig#maxRecordsPerProcess()} (which counts the
     * other non-log records): 65,536 renewals at the default rate of one per 3.3 s let one process run
     * for about 2.5 days.
     */
    public static final int MAX_RENEWALS_PER_PROCESS = 65_536;
    private static final byte[] MEMBERSHIP_ID = new byte[Ids.ID_BYTES];
    /**
     * How far (either way) from the receiving node's clock the timestamp of a record posted by a
     * client may be: {@value} ms.
     */
    public static final long CLIENT_WINDOW_MS = 30_000;

    private final byte[] colony;
    private final LedgerConfig config;
    private final RecordStore store;
    private final Membership membership;
    private final Fold fold;
    private final Map<String, String> interned = new HashMap<>();
    private final Map<IdKey, Proc> procs = new HashMap<>();
    private final ProcessIndex index;
    private final HeldRecords held;
    private final Triggers triggers;
    /** Workflow ids (their SubmitWorkflow record ids) and the record's timestamp, for listing them. */
    private final Map<IdKey, Long> workflowIndex = new HashMap<>();

    /**
     * Opens the ledger of colony {@code colonyId} over {@code store}, rebuilding the state from the
     * records already stored.
     */
    public Ledger(byte[] colonyId, LedgerConfig config, RecordStore store) {
        if (colonyId.length != Ids.ID_BYTES) {
            throw new IllegalArgumentException("colony id must be 32 bytes");
        }
        this.colony = colonyId.clone();
        this.config = config;
        this.store = store;
        this.membership = new Membership(colonyId);
        this.fold = new Fold(config, membership, interned);
        this.held = new HeldRecords(config.maxHeldRecords());
        this.index = new ProcessIndex(config.graceMs());
        this.triggers = new Triggers(colonyId);
        rebuild();
    }

    /** The colony id (the owner's public key). */
    public byte[] colonyId() {
        return colony.clone();
    }

    /** The configuration. */
    public LedgerConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ input

    /** Verifies, applies and durably stores one record. */
    public ApplyResult apply(SignedRecord record, long nowMs) {
        return applyAll(List.of(record), nowMs);
    }

    /** Verifies each record's signature, then applies the valid ones with one durable commit. */
    public ApplyResult applyAll(List<SignedRecord> records, long nowMs) {
        List<DecodedRecord> ok = new ArrayList<>(records.size());
        Outcome[] early = new Outcome[records.size()];
        for (int i = 0; i < records.size(); i++) {
            try {
                ok.add(Records.open(records.get(i)));
            } catch (InvalidInputException e) {
                early[i] = new Outcome(safeId(records.get(i)), Outcome.Status.REFUSED, e.rule());
            }
        }
        ApplyResult applied = applyVerified(ok, nowMs);
        List<Outcome> outcomes = new ArrayList<>(records.size());
        int j = 0;
        for (Outcome e : early) {
            outcomes.add(e != null ? e : applied.outcomes().get(j++));
        }
        return new ApplyResult(outcomes, applied.changes());
    }

    /**
     * Applies records whose signatures the caller already verified (e.g. in parallel, with
     * {@link Records#open(SignedRecord)}), then commits the store once: when this returns, every record
     * with a stored outcome is durable.
     */
    public ApplyResult applyVerified(List<DecodedRecord> records, long nowMs) {
        return applyVerified(records, nowMs, false);
    }

    /**
     * Applies records that a client posted to this node (verified by the caller) under the stricter
     * client rules (see the class comment): a record stamped more than {@link #CLIENT_WINDOW_MS} from
     * {@code nowMs}, whose signer is not a valid member both at its timestamp and at {@code nowMs},
     * whose signer's role may not sign its kind, or that names an unknown process, is refused and
     * kept nowhere (never held). Commits once, like {@link #applyVerified(List, long)}.
     */
    public ApplyResult applyClient(List<DecodedRecord> records, long nowMs) {
        return applyVerified(records, nowMs, true);
    }

    private ApplyResult applyVerified(List<DecodedRecord> records, long nowMs, boolean client) {
        Batch batch = new Batch();
        List<Outcome> outcomes = new ArrayList<>(records.size());
        for (DecodedRecord r : records) {
            outcomes.add(ingest(r, nowMs, batch, client));
        }
        store.commit();
        return new ApplyResult(outcomes, batch.changes());
    }

    /**
     * The Fail records that are due at {@code nowMs} (maxwaittime passed, lease expired, maxexectime
     * exceeded), as unsigned bodies stamped {@code nowMs}: the node signs, applies and publishes them.
     * Every node may propose the same Fail; the first in fold order wins and the others are no-ops.
     */
    public List<Record> tick(long nowMs) {
        List<Record> due = new ArrayList<>();
        for (Proc p : index.byDeadline()) {
            if (p.deadline > nowMs) {
                break;
            }
            if (p.state == ProcessState.WAITING) {
                due.add(Records.fail(colony, nowMs, p.id.bytes(), p.attempt,
                        "maxwaittime of " + p.maxWaitMs / 1000 + " s exceeded", true));
                continue;
            }
            boolean last = !p.attemptsLeft();
            if (nowMs >= p.leaseUntil + config.graceMs()) {
                due.add(Records.fail(colony, nowMs, p.id.bytes(), p.attempt,
                        "lease of attempt " + p.attempt + " expired", last));
            } else if (p.maxExecMs > 0 && nowMs >= p.startedAt + p.maxExecMs + config.graceMs()) {
                due.add(Records.fail(colony, nowMs, p.id.bytes(), p.attempt,
                        "maxexectime of " + p.maxExecMs / 1000 + " s exceeded in attempt " + p.attempt, last));
            }
        }
        return due;
    }

    // ------------------------------------------------------------------ queries

    /** Full view of a process (re-folded from the store, with history), if known. */
    public Optional<ProcessView> get(byte[] processId) {
        Proc p = procs.get(IdKey.of(processId));
        if (p == null || p.state == null) {
            return Optional.empty();
        }
        return Optional.of(view(p).build(p));
    }

    /**
     * Full view of a process by its text id.
     *
     * @throws InvalidInputException if the id is not 64 hex characters
     */
    public Optional<ProcessView> get(String processId) {
        return get(Ids.parseProcessId(processId));
    }

    /** Compact state of a process, if known. */
    public Optional<ProcessSummary> summary(byte[] processId) {
        Proc p = procs.get(IdKey.of(processId));
        return p == null || p.state == null ? Optional.empty() : Optional.of(p.summary());
    }

    /** Up to {@code limit} processes in {@code state} (any state if null), newest submission first. */
    public List<ProcessView> list(ProcessState state, int limit) {
        Comparator<Proc> newestFirst = Comparator.<Proc>comparingLong(p -> p.submittedMs).thenComparing(p -> p.id);
        PriorityQueue<Proc> top = new PriorityQueue<>(newestFirst);
        for (Proc p : procs.values()) {
            if (p.state != null && (state == null || p.state == state)) {
                top.add(p);
                if (top.size() > limit) {
                    top.poll();
                }
            }
        }
        List<Proc> sorted = new ArrayList<>(top);
        sorted.sort(newestFirst.reversed());
        List<ProcessView> out = new ArrayList<>(sorted.size());
        for (Proc p : sorted) {
            out.add(view(p).build(p));
        }
        return out;
    }

    /**
     * Every WAITING process an executor of this type and name may claim now, in assignment order,
     * ignoring resource requirements.
     */
    public List<ProcessSummary> claimable(String executorType, String executorName, long nowMs) {
        return claimable(executorType, executorName, nowMs, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} WAITING processes an executor offering {@code resources} may claim now, in
     * assignment order; processes requiring more cpu, memory or gpus than offered are skipped (a claim for
     * them would be a no-op).
     */
    public List<ProcessSummary> claimable(String executorType, String executorName, Resources resources, long nowMs,
                                          int limit) {
        return claimable(executorType, executorName, resources, nowMs, limit, id -> true);
    }

    /**
     * As {@link #claimable(String, String, Resources, long, int)}, skipping the processes {@code accept}
     * refuses (by process id), e.g. those the executor's operator does not allow it to run.
     */
    public List<ProcessSummary> claimable(String executorType, String executorName, Resources resources, long nowMs,
                                          int limit, java.util.function.Predicate<byte[]> accept) {
        List<ProcessSummary> out = new ArrayList<>();
        for (Proc p : index.waiting(executorType)) {
            if (out.size() >= limit) {
                break;
            }
            if (resources.fits(p) && Fold.nameAllowed(p, executorName) && depsDone(p)
                    && (p.maxWaitMs <= 0 || nowMs < p.waitingSince + p.maxWaitMs) && accept.test(p.id.bytes())) {
                out.add(p.summary());
            }
        }
        return out;
    }

    /**
     * The process ids of a workflow, in spec order, if {@code workflowId} is the id of a stored
     * SubmitWorkflow record.
     */
    public Optional<List<byte[]>> workflowMembers(byte[] workflowId) {
        Optional<SignedRecord> r = store.get(workflowId);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        DecodedRecord d = Records.decode(r.get());
        return d.kind() == RecordKind.SUBMIT_WORKFLOW ? Optional.of(d.processIds()) : Optional.empty();
    }

    /**
     * Up to {@code limit} processes in {@code state} (any if null), of {@code executorType} (any if null)
     * and with {@code label} (any if null), newest submission first.
     */
    public List<ProcessView> list(ProcessState state, String executorType, String label, int limit) {
        if (executorType == null && label == null) {
            return list(state, limit);
        }
        List<Proc> matching = new ArrayList<>();
        for (Proc p : procs.values()) {
            if (p.state != null && (state == null || p.state == state)
                    && (executorType == null || executorType.equals(p.executorType))) {
                matching.add(p);
            }
        }
        matching.sort(Comparator.<Proc>comparingLong(p -> p.submittedMs).thenComparing(p -> p.id).reversed());
        List<ProcessView> out = new ArrayList<>();
        for (Proc p : matching) {
            if (out.size() >= limit) {
                break;
            }
            ProcessView v = view(p).build(p);
            if (label == null || label.equals(v.spec().label())) {
                out.add(v);
            }
        }
        return out;
    }

    /** Every workflow id known (64 hex), newest SubmitWorkflow first. */
    public List<byte[]> workflowIds() {
        List<Map.Entry<IdKey, Long>> all = new ArrayList<>(workflowIndex.entrySet());
        all.sort(Map.Entry.<IdKey, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()).reversed());
        return all.stream().map(e -> e.getKey().bytes()).toList();
    }

    /** The state of a workflow from its processes' summaries, or empty if unknown. */
    public Optional<ProcessState> workflowState(byte[] workflowId) {
        return workflowMembers(workflowId).map(ids -> io.colony.protocol.WorkflowView.stateOf(ids.stream()
                .map(id -> summary(id).map(ProcessSummary::state).orElse(ProcessState.WAITING)).toList()));
    }

    /**
     * The ids of known processes ({@code workflows} false) or workflows (true) whose hex form starts with
     * {@code hexPrefix} (lower case), at most {@code max}.
     */
    public List<String> idsWithPrefix(String hexPrefix, boolean workflows, int max) {
        List<String> out = new ArrayList<>();
        for (IdKey k : workflows ? workflowIndex.keySet() : procs.keySet()) {
            if (!workflows && procs.get(k).state == null) {
                continue;
            }
            if (IdKeys.startsWith(k, hexPrefix)) {
                out.add(Hex.encode(k.bytes()));
                if (out.size() >= max) {
                    break;
                }
            }
        }
        return out;
    }

    /** The owner-signed Admit and Revoke records stored, for listing members. */
    public List<SignedRecord> membershipRecords() {
        return store.membership();
    }

    /** Ids of the processes this workflow member depends on, in the order its spec names them. */
    public List<byte[]> dependencies(byte[] processId) {
        Proc p = procs.get(IdKey.of(processId));
        List<byte[]> out = new ArrayList<>();
        if (p != null && p.deps != null) {
            for (Proc d : p.deps) {
                out.add(d.id.bytes());
            }
        }
        return out;
    }

    /**
     * The first {@code limit} WAITING processes an executor may claim now, in assignment order: priority
     * descending, then waiting since ascending, then id. Skips processes whose dependencies have not
     * succeeded, that name other executors, or whose maxwaittime has passed.
     */
    public List<ProcessSummary> claimable(String executorType, String executorName, long nowMs, int limit) {
        return claimable(executorType, executorName, UNLIMITED, nowMs, limit);
    }

    private static final Resources UNLIMITED = new Resources(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);

    private static boolean depsDone(Proc p) {
        if (p.deps != null) {
            for (Proc d : p.deps) {
                if (d.state != ProcessState.SUCCESS) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Number of processes per state. */
    public Map<ProcessState, Long> counts() {
        Map<ProcessState, Long> m = new EnumMap<>(ProcessState.class);
        for (ProcessState s : ProcessState.values()) {
            m.put(s, index.count(s));
        }
        return m;
    }

    /** Number of known processes. */
    public int size() {
        return procs.size();
    }

    /** Records held in memory, waiting for a Submit or an Admit. */
    public int heldCount() {
        return held.size();
    }

    /** Damaged journal entries of the store found so far (their records were skipped). */
    public long damagedEntries() {
        return store.damagedEntries();
    }

    /** The stored non-log records of a process in fold order (empty if unknown). */
    public List<SignedRecord> records(byte[] processId) {
        return procs.containsKey(IdKey.of(processId)) ? store.byProcess(processId) : List.of();
    }

    /** Ids of every stored record of a process, log records included (all zeros: the membership records). */
    public List<byte[]> recordIds(byte[] processId) {
        List<byte[]> ids = new ArrayList<>();
        if (Arrays.equals(processId, MEMBERSHIP_ID)) {
            store.membership().forEach(s -> ids.add(Records.recordId(s)));
            return ids;
        }
        records(processId).forEach(s -> ids.add(Records.recordId(s)));
        if (procs.containsKey(IdKey.of(processId))) {
            store.logsOf(processId).forEach(s -> ids.add(Records.recordId(s)));
        }
        return ids;
    }

    /** The stored record with this id. */
    public Optional<SignedRecord> record(byte[] recordId) {
        return store.get(recordId);
    }

    /** Log lines of a process from the executors of their attempts, oldest first. */
    public LogView logs(byte[] processId) {
        Proc p = procs.get(IdKey.of(processId));
        if (p == null || p.state == null) {
            return new LogView(List.of(), 0);
        }
        ViewBuilder v = view(p);
        List<String> lines = new ArrayList<>();
        List<io.colony.protocol.LogLine> entries = new ArrayList<>();
        for (SignedRecord s : store.logsOf(processId)) {
            DecodedRecord d = Records.decode(s);
            Member ex = v.executors.get(d.attempt());
            if (ex != null && Arrays.equals(ex.key, d.signer())) {
                var log = d.record().getLog();
                lines.addAll(log.getLinesList());
                java.util.Set<Integer> stderr = new java.util.HashSet<>(log.getStderrLinesList());
                for (int i = 0; i < log.getLinesCount(); i++) {
                    entries.add(new io.colony.protocol.LogLine(log.getLines(i), d.timestampMs(),
                            stderr.contains(i) ? io.colony.protocol.LogLine.STDERR : io.colony.protocol.LogLine.STDOUT,
                            d.attempt()));
                }
            }
        }
        return new LogView(lines, p.droppedLines, entries);
    }

    /** True if {@code memberKey} may sign records at {@code atMs}. */
    public boolean isMember(byte[] memberKey, long atMs) {
        return membership.valid(membership.find(memberKey), atMs);
    }

    /** The keys admitted as nodes (role NODE) and valid at {@code atMs}, in no particular order. */
    public List<byte[]> nodeMembers(long atMs) {
        return membership.nodesAt(atMs);
    }

    /** The voters at {@code atMs} (see the README's "Voters"), in no particular order. */
    public List<byte[]> voters(long atMs) {
        return membership.votersAt(atMs);
    }

    /** True if {@code memberKey} is a voter at {@code atMs}. */
    public boolean isVoter(byte[] memberKey, long atMs) {
        return membership.isVoterAt(membership.find(memberKey), atMs);
    }

    /**
     * Why the Claim {@code claim} could not take effect here at {@code nowMs} (this ledger's view, as
     * a voter judges it), or null if it could: the signer may claim at the claim's time, the process is
     * known and WAITING for exactly this attempt, or RUNNING the previous attempt whose lease ended at
     * least {@code marginMs} before {@code nowMs}, and every other claim rule holds (executor type and
     * name, resources, dependencies, attempts left, lease length). Votes are not looked at.
     */
    public String claimProblem(DecodedRecord claim, long nowMs, long marginMs) {
        if (claim.kind() != RecordKind.CLAIM) {
            return "not a claim";
        }
        String bad = processProblem(claim);
        if (bad != null) {
            return bad;
        }
        Proc p = procs.get(IdKey.of(claim.processId()));
        var c = claim.record().getClaim();
        if (p.state == ProcessState.RUNNING) {
            if (c.getAttempt() != p.attempt + 1) {
                return "attempt " + c.getAttempt() + " is not the next attempt " + (p.attempt + 1);
            }
            if (nowMs < p.leaseUntil + marginMs) {
                return "attempt " + p.attempt + " holds the process until " + p.leaseUntil;
            }
            return plain(fold.claimRulesIgnoringState(p, c, claim.timestampMs()));
        }
        return plain(fold.claimRules(p, c, claim.timestampMs()));
    }

    /**
     * Why the Renew {@code renew} could not take effect here at {@code nowMs}, or null if it could: the
     * process is RUNNING the renewed attempt, the signer is the executor whose claim holds it, the lease
     * has not ended by {@code nowMs} nor at the renewal's time, and the new lease extends it within the
     * longest lease. Votes are not looked at.
     */
    public String renewProblem(DecodedRecord renew, long nowMs) {
        if (renew.kind() != RecordKind.RENEW) {
            return "not a renewal";
        }
        String bad = processProblem(renew);
        if (bad != null) {
            return bad;
        }
        Proc p = procs.get(IdKey.of(renew.processId()));
        bad = fold.renewRules(p, renew.record().getRenew(), membership.find(renew.signer()), renew.timestampMs());
        if (bad != null) {
            return plain(bad);
        }
        if (nowMs >= p.leaseUntil) {
            return "the lease of attempt " + p.attempt + " ended at " + p.leaseUntil;
        }
        return null;
    }

    /**
     * True if the last attempt of the process ended by its own executor (a Close, a release, or its own
     * Fail), so that the executor has stopped and the next attempt need not wait for the old lease.
     */
    public boolean lastAttemptEndedByExecutor(byte[] processId) {
        Proc p = procs.get(IdKey.of(processId));
        return p != null && p.state != ProcessState.RUNNING && p.endedByExecutor;
    }

    /** True if the record with this id is stored (it counts, or is a no-op, at its place). */
    public boolean containsRecord(byte[] recordId) {
        return store.contains(recordId);
    }

    private String processProblem(DecodedRecord r) {
        if (!Arrays.equals(r.record().getColony().toByteArray(), colony)) {
            return "record of another colony";
        }
        Member signer = membership.find(r.signer());
        if (!membership.may(signer, r.kind(), r.timestampMs())) {
            return "signer may not sign " + Fold.kindName(r.kind()) + " records at the record's time";
        }
        Proc p = procs.get(IdKey.of(r.processId()));
        if (p == null || p.state == null) {
            return "process " + Hex.encode(r.processId()) + " is not known here";
        }
        if (p.state.isFinal()) {
            return "process is already " + p.state;
        }
        return null;
    }

    private static String plain(String reason) {
        return reason == null ? null : reason.startsWith("ignored: ") ? reason.substring("ignored: ".length()) : reason;
    }

    /** True if {@code memberKey} is the colony owner. */
    public boolean isOwner(byte[] memberKey) {
        return Arrays.equals(memberKey, colony);
    }

    // ------------------------------------------------------------------ crons and generators

    /** Every cron and generator known, removed ones included, oldest first. */
    public List<TriggerView> triggers(long nowMs) {
        return triggers.all().stream().map(d -> Triggers.view(d, nowMs)).toList();
    }

    /** The cron or generator with this id. */
    public Optional<TriggerView> trigger(byte[] id, long nowMs) {
        Triggers.Def d = triggers.get(id);
        return d == null ? Optional.empty() : Optional.of(Triggers.view(d, nowMs));
    }

    /** A submission a cron or generator owes: sign {@code body} deterministically once {@code dueMs} passed. */
    public record DueSubmission(Record body, byte[] id, long dueMs) {
    }

    /**
     * The submissions that crons and generators owe at {@code nowMs} and that the ledger does not hold
     * yet: every cron tick in ({@code nowMs - lookBackMs}, nowMs] after the cron was added and before
     * it was removed, every full group of {@code trigger} waiting packs of a generator (oldest first,
     * stamped with the group's latest pack), and a generator's waiting packs whose oldest waited
     * {@code timeoutms} (stamped oldest + timeout). Each body is a pure function of the ledger's
     * records, so every node computes the same ones; a tick missed for longer than the look-back is
     * skipped.
     */
    public List<DueSubmission> dueTriggers(long nowMs, long lookBackMs) {
        List<DueSubmission> out = new ArrayList<>();
        for (Triggers.Def d : triggers.all()) {
            if (!d.active() && d.removedAt <= nowMs - lookBackMs) {
                continue;
            }
            if (d.isCron()) {
                long from = Math.max(Math.max(d.add.timestampMs() - 1, nowMs - lookBackMs), d.cursor);
                boolean allThere = true;
                for (int n = 0; n < 1000; n++) {
                    long tick = d.schedule.next(from);
                    if (tick < 0 || tick > nowMs || !d.liveAt(tick)) {
                        break;
                    }
                    Record body = TriggerRecords.cronTick(d.add, tick);
                    byte[] id = TriggerRecords.bodyId(body);
                    if (!store.contains(id)) {
                        allThere = false;
                        out.add(new DueSubmission(body, id, tick));
                    } else if (allThere) {
                        d.cursor = tick; // every tick up to here is in the ledger: start after it next time
                    }
                    from = tick;
                }
            } else {
                generatorDue(d, nowMs, out);
            }
        }
        return out;
    }

    private void generatorDue(Triggers.Def d, long nowMs, List<DueSubmission> out) {
        var g = d.add.record().getGenerator();
        List<DecodedRecord> waiting = new ArrayList<>(d.pending.keySet());
        int i = 0;
        while (waiting.size() - i >= g.getTrigger()) {
            List<DecodedRecord> group = waiting.subList(i, i + g.getTrigger());
            long ts = group.get(group.size() - 1).timestampMs();
            if (!d.liveAt(ts)) {
                return;
            }
            Record body = TriggerRecords.generated(d.add, ts, group);
            out.add(new DueSubmission(body, TriggerRecords.bodyId(body), ts));
            i += g.getTrigger();
        }
        if (i < waiting.size() && g.getTimeoutMs() > 0) {
            long ts = waiting.get(i).timestampMs() + g.getTimeoutMs();
            if (ts <= nowMs && d.liveAt(ts)) {
                Record body = TriggerRecords.generated(d.add, ts, waiting.subList(i, waiting.size()));
                out.add(new DueSubmission(body, TriggerRecords.bodyId(body), ts));
            }
        }
    }

    // ------------------------------------------------------------------ ingest

    private Outcome ingest(DecodedRecord r, long now, Batch batch, boolean client) {
        String rid = r.idText();
        if (!Arrays.equals(r.record().getColony().toByteArray(), colony)) {
            return refused(rid, "record of another colony");
        }
        if (client && Math.abs(r.timestampMs() - now) > CLIENT_WINDOW_MS) {
            return refused(rid, "forbidden: the record's timestamp is " + Math.abs(r.timestampMs() - now) / 1000
                    + " s " + (r.timestampMs() < now ? "behind" : "ahead of") + " this node's clock; a record"
                    + " posted to a node must be stamped within " + CLIENT_WINDOW_MS / 1000 + " s of its clock");
        }
        if (r.timestampMs() > now + config.maxFutureSkewMs()) {
            return refused(rid, "timestamp more than " + config.maxFutureSkewMs() + " ms in the future");
        }
        if (store.contains(r.id())) {
            return new Outcome(rid, Outcome.Status.DUPLICATE, "");
        }
        if ((r.kind() == RecordKind.SUBMIT || r.kind() == RecordKind.SUBMIT_WORKFLOW) && !hasNonce(r)) {
            return refused(rid, "a " + Fold.kindName(r.kind()) + " record needs a nonce of " + Records.NONCE_BYTES
                    + " random bytes");
        }
        if (r.kind().isMembership()) {
            if (!isOwner(r.signer())) {
                return refused(rid, "membership records must be signed by the owner");
            }
            return ingestMembership(r, now, batch);
        }
        Member signer = membership.find(r.signer());
        if (client) {
            String why = clientSignerProblem(r, signer, now);
            if (why != null) {
                return refused(rid, why);
            }
        } else if (!membership.may(signer, r.kind(), r.timestampMs())) {
            held.holdStranger(r);
            return new Outcome(rid, Outcome.Status.HELD, membership.valid(signer, r.timestampMs())
                    ? "signer's role may not sign this record (as far as known yet)"
                    : "signer is not a member at the record's time (yet)");
        }
        if (config.requireVotes() && (r.kind() == RecordKind.CLAIM || r.kind() == RecordKind.RENEW)) {
            String unvoted = fold.voteProblem(r);
            if (unvoted != null) {
                List<byte[]> voters = membership.votersAt(r.timestampMs());
                if (!client && VoteCache.hasOtherVoters(r, voters)) {
                    held.holdStranger(r);
                    return new Outcome(rid, Outcome.Status.HELD, "votes by keys not known as voters (yet)");
                }
                return refused(rid, "not acknowledged by a majority of the colony's voters: "
                        + unvoted.substring("ignored: ".length()));
            }
        }
        if (r.kind() == RecordKind.SUBMIT || r.kind() == RecordKind.SUBMIT_WORKFLOW) {
            return ingestSubmit(r, signer, now, batch);
        }
        if (r.kind().isTrigger()) {
            store.put(r);
            triggers.add(r);
            return accepted(rid);
        }
        IdKey pid = IdKey.of(r.processId());
        Proc p = procs.get(pid);
        if (p == null || p.state == null) {
            if (client) {
                return refused(rid, "no process " + Hex.encode(r.processId()));
            }
            held.holdOrphan(pid, r);
            return new Outcome(rid, Outcome.Status.HELD, "process not known yet");
        }
        if (client) {
            String why = clientRelationProblem(r, signer, p);
            if (why != null) {
                return refused(rid, why);
            }
        }
        if (r.kind() == RecordKind.LOG) {
            return ingestLog(p, r);
        }
        if (r.kind() == RecordKind.RENEW ? p.renewals >= MAX_RENEWALS_PER_PROCESS
                : p.records - p.renewals >= config.maxRecordsPerProcess()) {
            return refused(rid, "process already has the maximum of " + (r.kind() == RecordKind.RENEW
                    ? MAX_RENEWALS_PER_PROCESS + " renewals" : config.maxRecordsPerProcess() + " records"));
        }
        store.put(r);
        p.records++;
        if (r.kind() == RecordKind.RENEW) {
            p.renewals++;
        }
        if (r.timestampMs() > p.lastTs) {
            step(p, r, signer, batch);
        } else {
            refold(p, batch);
        }
        return accepted(rid);
    }

    /**
     * Why a client's record may not be taken from this signer (a message starting with "forbidden:"),
     * or null: the signer must be a valid member at the record's timestamp and now, with a role that
     * may sign the record's kind at its timestamp.
     */
    private String clientSignerProblem(DecodedRecord r, Member signer, long now) {
        if (!membership.valid(signer, now)) {
            return "forbidden: signer " + r.signerId() + (membership.everAdmitted(signer)
                    ? " is no longer a member of this colony (revoked or expired)" : " is not a member of this colony");
        }
        if (!membership.valid(signer, r.timestampMs())) {
            return "forbidden: signer " + r.signerId() + " is not a member of this colony at the record's time"
                    + " (not admitted yet, expired, or revoked then or less than " + Membership.REVOKE_LEAD_MS / 1000
                    + " s later)";
        }
        if (!membership.may(signer, r.kind(), r.timestampMs())) {
            return "forbidden: a member with role " + Membership.roleName(membership.roleAt(signer, r.timestampMs()))
                    + " may not sign " + Fold.kindName(r.kind()) + " records";
        }
        return null;
    }

    /**
     * Why a client's process record breaks a rule that depends on the process as it stands (the client's
     * record is the newest: it is judged against the current state), or null: only the submitter or the
     * owner cancels; only the executor holding the running attempt renews, closes or logs it; an
     * executor fails only the attempt it holds. A record for another attempt is left to the fold (a
     * no-op there, a conflict at the API).
     */
    private String clientRelationProblem(DecodedRecord r, Member signer, Proc p) {
        String process = Hex.encode(p.id.bytes());
        if (r.kind() == RecordKind.CANCEL) {
            return signer == p.submitter || signer == membership.owner() ? null
                    : "forbidden: only the submitter of process " + process + " or the colony owner may cancel it";
        }
        boolean running = p.state == ProcessState.RUNNING && r.attempt() == p.attempt;
        if (r.kind() == RecordKind.RENEW || r.kind() == RecordKind.CLOSE || r.kind() == RecordKind.LOG) {
            return !running || signer == p.executor ? null : "forbidden: only the executor holding attempt "
                    + p.attempt + " of process " + process + " may sign " + Fold.kindName(r.kind()) + " records for it";
        }
        if (r.kind() == RecordKind.FAIL && membership.roleAt(signer, r.timestampMs()) == io.colony.protocol.pb.Role.EXECUTOR_VALUE
                && !(running && signer == p.executor)) {
            return "forbidden: an executor may fail only the attempt it holds";
        }
        return null;
    }

    private static boolean hasNonce(DecodedRecord r) {
        int n = r.kind() == RecordKind.SUBMIT ? r.record().getSubmit().getNonce().size()
                : r.record().getWorkflow().getNonce().size();
        return n == Records.NONCE_BYTES;
    }

    private Outcome ingestSubmit(DecodedRecord r, Member signer, long now, Batch batch) {
        store.put(r);
        noteTriggered(r);
        List<Proc> created = new ArrayList<>(r.processIds().size());
        for (byte[] id : r.processIds()) {
            Proc p = procs.computeIfAbsent(IdKey.of(id), Proc::new);
            p.records++;
            created.add(p);
        }
        if (r.kind() == RecordKind.SUBMIT_WORKFLOW) {
            link(created, r);
        }
        for (Proc p : created) {
            if (p.lastTs >= r.timestampMs()) {
                refold(p, batch);
            } else {
                step(p, r, signer, batch);
            }
        }
        for (Proc p : created) {
            for (DecodedRecord o : held.releaseOrphans(p.id)) {
                ingest(o, now, batch, false);
            }
        }
        return accepted(r.idText());
    }

    private void link(List<Proc> members, DecodedRecord workflow) {
        workflowIndex.put(IdKey.of(workflow.id()), workflow.timestampMs());
        Map<String, Proc> byName = new HashMap<>();
        var specs = workflow.record().getWorkflow().getSpecsList();
        for (int i = 0; i < specs.size(); i++) {
            byName.put(specs.get(i).getNodename(), members.get(i));
        }
        Map<Proc, List<Proc>> dependents = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            var depNames = specs.get(i).getConditions().getDependenciesList();
            if (!depNames.isEmpty()) {
                Proc child = members.get(i);
                child.deps = depNames.stream().map(byName::get).toArray(Proc[]::new);
                for (Proc parent : child.deps) {
                    dependents.computeIfAbsent(parent, k -> new ArrayList<>()).add(child);
                }
            }
        }
        dependents.forEach((parent, kids) -> parent.dependents = kids.toArray(new Proc[0]));
    }

    private Outcome ingestMembership(DecodedRecord r, long now, Batch batch) {
        store.put(r);
        membership.add(r);
        long from = r.timestampMs() - (r.kind() == RecordKind.REVOKE ? Membership.REVOKE_LEAD_MS : 0);
        for (Proc p : List.copyOf(procs.values())) {
            if (p.lastTs >= from) {
                refold(p, batch);
            }
        }
        for (DecodedRecord s : held.releaseStrangers()) {
            ingest(s, now, batch, false);
        }
        return accepted(r.idText());
    }

    private Outcome ingestLog(Proc p, DecodedRecord r) {
        var log = r.record().getLog();
        if (log.getLinesCount() == 0) {
            return refused(r.idText(), "log record without lines");
        }
        if (r.timestampMs() < p.logFloorTs) {
            return refused(r.idText(), "older than log lines already dropped");
        }
        store.put(r);
        p.logLines += log.getLinesCount();
        p.logBytes += chars(log.getLinesList());
        if (p.logLines > config.maxLogLines() || p.logBytes > config.maxLogBytes()) {
            trimLogs(p);
        }
        return accepted(r.idText());
    }

    /** Drops the oldest log records until the process is under 90% of both caps. */
    private void trimLogs(Proc p) {
        long lineTarget = config.maxLogLines() * 9L / 10;
        long byteTarget = config.maxLogBytes() * 9 / 10;
        for (SignedRecord s : store.logsOf(p.id.bytes())) {
            if (p.logLines <= lineTarget && p.logBytes <= byteTarget) {
                break;
            }
            DecodedRecord d = Records.decode(s);
            store.delete(d);
            int n = d.record().getLog().getLinesCount();
            p.logLines -= n;
            p.logBytes -= chars(d.record().getLog().getLinesList());
            p.droppedLines += n;
            p.logFloorTs = Math.max(p.logFloorTs, d.timestampMs());
        }
        LOG.debug("process {}: dropped old log lines, {} dropped in all", p.id, p.droppedLines);
    }

    private static long chars(List<String> lines) {
        long n = 0;
        for (String l : lines) {
            n += l.length() + 1;
        }
        return n;
    }

    // ------------------------------------------------------------------ folding

    private void step(Proc p, DecodedRecord r, Member signer, Batch batch) {
        batch.touch(p);
        ProcessState oldState = p.state;
        long oldEnded = p.endedAt;
        index.remove(p);
        fold.step(p, r, signer, null);
        Fold.inheritFailure(p, null);
        index.add(p);
        propagate(p, oldState, oldEnded, batch);
    }

    /**
     * Re-folds a process from its stored records. Records whose signer is no longer a member at their
     * timestamp (a Revoke arrived) leave the store and are held, so that the stored set converges to
     * the same set on every node; a process whose Submit left becomes unknown again.
     */
    private void refold(Proc p, Batch batch) {
        batch.touch(p);
        ProcessState oldState = p.state;
        long oldEnded = p.endedAt;
        index.remove(p);
        p.resetFold();
        List<DecodedRecord> kept = new ArrayList<>();
        for (SignedRecord s : store.byProcess(p.id.bytes())) {
            DecodedRecord d = Records.decode(s);
            Member signer = membership.find(d.signer());
            if (!membership.may(signer, d.kind(), d.timestampMs())) {
                unstore(d);
                held.holdStranger(d);
                continue;
            }
            kept.add(d);
            fold.step(p, d, signer, null);
        }
        Fold.inheritFailure(p, null);
        if (p.state == null) {
            for (DecodedRecord d : kept) {
                unstore(d);
                held.holdOrphan(p.id, d);
            }
            procs.remove(p.id);
        }
        index.add(p);
        propagate(p, oldState, oldEnded, batch);
    }

    /** Removes a process record from the store and from the counts of its processes. */
    private void unstore(DecodedRecord d) {
        store.delete(d);
        for (byte[] pid : d.processIds()) {
            Proc q = procs.get(IdKey.of(pid));
            if (q != null) {
                q.records--;
                if (d.kind() == RecordKind.RENEW) {
                    q.renewals--;
                }
            }
        }
    }

    private void propagate(Proc p, ProcessState oldState, long oldEnded, Batch batch) {
        if (p.dependents != null && (oldState != p.state || oldEnded != p.endedAt)) {
            for (Proc child : p.dependents) {
                refold(child, batch);
            }
        }
    }

    private ViewBuilder view(Proc p) {
        ViewBuilder v = new ViewBuilder().forProcess(p.id);
        Proc copy = new Proc(p.id);
        copy.deps = p.deps;
        for (SignedRecord s : store.byProcess(p.id.bytes())) {
            DecodedRecord d = Records.decode(s);
            fold.step(copy, d, membership.find(d.signer()), v);
        }
        Fold.inheritFailure(copy, v);
        return v;
    }

    // ------------------------------------------------------------------ rebuild

    private void noteTriggered(DecodedRecord r) {
        var t = r.kind() == RecordKind.SUBMIT ? r.record().getSubmit() : null;
        if (t != null ? t.hasTrigger() : r.record().getWorkflow().hasTrigger()) {
            triggers.submitted(r, t != null ? t.getTrigger() : r.record().getWorkflow().getTrigger());
        }
    }

    private void rebuild() {
        for (SignedRecord s : store.triggers()) {
            triggers.add(Records.decode(s));
        }
        for (SignedRecord s : store.membership()) {
            DecodedRecord d = Records.decode(s);
            membership.add(d);
        }
        List<DecodedRecord> workflows = new ArrayList<>();
        store.forEach(s -> {
            DecodedRecord d = Records.decode(s);
            if (d.kind().isMembership() || d.kind().isTrigger()) {
                return;
            }
            if (d.kind() == RecordKind.SUBMIT || d.kind() == RecordKind.SUBMIT_WORKFLOW) {
                noteTriggered(d);
            }
            for (byte[] pid : d.processIds()) {
                Proc p = procs.computeIfAbsent(IdKey.of(pid), Proc::new);
                if (d.kind() == RecordKind.LOG) {
                    p.logLines += d.record().getLog().getLinesCount();
                    p.logBytes += chars(d.record().getLog().getLinesList());
                } else {
                    p.records++;
                    if (d.kind() == RecordKind.RENEW) {
                        p.renewals++;
                    }
                }
            }
            if (d.kind() == RecordKind.SUBMIT_WORKFLOW) {
                workflows.add(d);
            }
        });
        for (DecodedRecord w : workflows) {
            link(w.processIds().stream().map(id -> procs.get(IdKey.of(id))).toList(), w);
        }
        Batch ignored = new Batch();
        for (Proc p : List.copyOf(procs.values())) {
            refold(p, ignored);
        }
        if (!procs.isEmpty()) {
            LOG.info("ledger rebuilt: {} processes, {} records", procs.size(), store.count());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Outcome accepted(String rid) {
        return new Outcome(rid, Outcome.Status.ACCEPTED, "");
    }

    private static Outcome refused(String rid, String reason) {
        LOG.debug("refused record {}: {}", rid, reason);
        return new Outcome(rid, Outcome.Status.REFUSED, reason);
    }

    private static String safeId(SignedRecord r) {
        return Hex.encode(Records.recordId(r));
    }

    /** Processes touched by one apply, with their state and attempt before it. */
    private static final class Batch {
        private final Map<Proc, Object[]> before = new LinkedHashMap<>();

        void touch(Proc p) {
            before.computeIfAbsent(p, k -> new Object[] {k.state, k.attempt});
        }

        List<StateChange> changes() {
            List<StateChange> out = new ArrayList<>();
            before.forEach((p, b) -> {
                if (p.state != null && (b[0] != p.state || (int) b[1] != p.attempt)) {
                    out.add(new StateChange(p.id.bytes(), (ProcessState) b[0], p.state, p.attempt,
                            p.executor == null ? null : p.executor.id));
                }
            });
            return out;
        }
    }
}
