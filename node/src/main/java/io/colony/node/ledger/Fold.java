package io.colony.node.ledger;

import io.colony.node.ledger.Membership.Member;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordKind;
import io.colony.protocol.pb.Cancel;
import io.colony.protocol.pb.Claim;
import io.colony.protocol.pb.Close;
import io.colony.protocol.pb.Fail;
import io.colony.protocol.pb.FunctionSpec;
import io.colony.protocol.pb.Renew;
import io.colony.protocol.pb.Role;
import java.util.Map;

/**
 * The transition rules: folds one record, at its place in (timestamp, id) order, into a process's
 * state. A record whose transition is not valid there is a no-op ("ignored: why"). Pure.
 */
final class Fold {
    /**
     * Reason of a Fail that releases an attempt: signed by the attempt's own executor while its lease
     * (plus grace) holds, it returns the process to WAITING without using up a retry (a node shutting
     * down hands its work back). After {@link #MAX_FREE_RELEASES} such releases of one process, a
     * release counts as a failed attempt like any other, so that no executor can keep a process
     * alive forever.
     */
    static final String RELEASE_REASON = "released";
    /** Releases of one process that do not use up a retry. */
    static final int MAX_FREE_RELEASES = 100;

    private final LedgerConfig config;
    private final Membership membership;
    private final Map<String, String> interned;

    Fold(LedgerConfig config, Membership membership, Map<String, String> interned) {
        this.config = config;
        this.membership = membership;
        this.interned = interned;
    }

    /** Folds {@code r} (signed by {@code signer}) into {@code p}; reports to {@code sink} if not null. */
    void step(Proc p, DecodedRecord r, Member signer, FoldSink sink) {
        ProcessState before = p.state;
        String detail = apply(p, r, signer, sink);
        if (detail == null) {
            detail = before == p.state ? "ok" : (before == null ? "new" : before.name()) + " -> " + p.state;
        }
        if (r.timestampMs() > p.lastTs) {
            p.lastTs = r.timestampMs();
        }
        if (sink != null) {
            // a triggered submission is one record whichever node's copy this ledger holds: its
            // history names the trigger's creator, so every node shows the same history
            boolean submit = r.kind() == RecordKind.SUBMIT || r.kind() == RecordKind.SUBMIT_WORKFLOW;
            sink.event(r, submit ? submitter(r, signer) : signer, detail);
        }
    }

    private String apply(Proc p, DecodedRecord r, Member signer, FoldSink sink) {
        long ts = r.timestampMs();
        if (!membership.valid(signer, ts)) {
            return "ignored: signer is not a member at this time";
        }
        if (!membership.may(signer, r.kind(), ts)) {
            return "ignored: role " + Membership.roleName(membership.roleAt(signer, ts)) + " may not sign "
                    + kindName(r.kind()) + " records";
        }
        if (p.state == null) {
            return switch (r.kind()) {
                case SUBMIT -> submit(p, r.record().getSubmit().getSpec(), submitter(r, signer), ts);
                case SUBMIT_WORKFLOW -> submit(p, r.record().getWorkflow().getSpecs(indexIn(p, r)),
                        submitter(r, signer), ts);
                default -> "ignored: before the submit";
            };
        }
        if (p.state.isFinal()) {
            return "ignored: process is already " + p.state;
        }
        if ((r.kind() == RecordKind.CLAIM || r.kind() == RecordKind.RENEW) && config.requireVotes()) {
            String unvoted = voteProblem(r);
            if (unvoted != null) {
                return unvoted;
            }
        }
        return switch (r.kind()) {
            case CLAIM -> claim(p, r.record().getClaim(), signer, ts, sink);
            case RENEW -> renew(p, r.record().getRenew(), signer, ts);
            case CLOSE -> close(p, r.record().getClose(), signer, ts, sink);
            case FAIL -> fail(p, r.record().getFail(), signer, ts, sink);
            case CANCEL -> cancel(p, r.record().getCancel(), signer, ts, sink);
            default -> "ignored: duplicate submit";
        };
    }

    static String kindName(RecordKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /**
     * Who submitted: the signer, except for a cron's or generator's submission, which any node may
     * sign (the same body): there it is the cron's or generator's creator, the same on every node.
     */
    private Member submitter(DecodedRecord r, Member signer) {
        io.colony.protocol.pb.Trigger t = r.kind() == RecordKind.SUBMIT ? r.record().getSubmit().getTrigger()
                : r.record().getWorkflow().getTrigger();
        if (t.getSourceOwner().isEmpty()) {
            return signer;
        }
        Member owner = membership.find(t.getSourceOwner().toByteArray());
        return owner != null ? owner : signer;
    }

    private static int indexIn(Proc p, DecodedRecord r) {
        for (int i = 0; i < r.processIds().size(); i++) {
            if (IdKey.of(r.processIds().get(i)).equals(p.id)) {
                return i;
            }
        }
        throw new IllegalStateException("workflow record does not contain process");
    }

    /** Largest time limit the fold uses, in seconds (100 years): far above the 30 days a spec may ask for. */
    static final long MAX_LIMIT_SECONDS = 100L * 366 * 24 * 3600;

    private String submit(Proc p, FunctionSpec spec, Member signer, long ts) {
        p.executorType = interned.computeIfAbsent(spec.getConditions().getExecutortype(), k -> k);
        p.executorNames = spec.getConditions().getExecutornamesCount() == 0 ? null
                : spec.getConditions().getExecutornamesList().toArray(new String[0]);
        p.maxRetries = spec.getMaxretries();
        p.priority = spec.getPriority();
        // clamped (specs are range-checked at decode; this keeps every sum with a timestamp far from overflow)
        p.maxWaitMs = Math.min(Math.max(0, spec.getMaxwaittime()), MAX_LIMIT_SECONDS) * 1000;
        p.maxExecMs = Math.min(Math.max(0, spec.getMaxexectime()), MAX_LIMIT_SECONDS) * 1000;
        p.cpuMillis = spec.getConditions().getCpuMillis();
        p.memoryMb = spec.getConditions().getMemoryMb();
        p.gpus = spec.getConditions().getGpus();
        p.submitter = signer;
        p.submittedMs = ts;
        p.state = ProcessState.WAITING;
        p.attempt = 0;
        p.waitingSince = ts;
        return null;
    }

    /**
     * Why {@code r} (a Claim or Renew) does not carry a certificate (valid votes of a strict majority of
     * the voters at its timestamp), or null if it does.
     */
    String voteProblem(DecodedRecord r) {
        java.util.List<byte[]> voters = membership.votersAt(r.timestampMs());
        int have = voteCache.count(r, voters);
        int need = io.colony.protocol.Votes.majority(voters.size());
        if (voters.isEmpty() || have < need) {
            return "ignored: acknowledged by " + have + " of " + voters.size() + " voters, " + need + " needed";
        }
        return null;
    }

    private final VoteCache voteCache = new VoteCache();

    private String claim(Proc p, Claim c, Member signer, long ts, FoldSink sink) {
        String bad = claimRules(p, c, ts);
        if (bad != null) {
            return bad;
        }
        p.state = ProcessState.RUNNING;
        p.attempt = c.getAttempt();
        p.executor = signer;
        p.executorName = c.getExecutorName();
        p.startedAt = ts;
        p.leaseUntil = c.getLeaseUntilMs();
        p.endedByExecutor = false;
        if (sink != null) {
            sink.claimed(p.attempt, signer);
        }
        return null;
    }

    /** Why claim {@code c}, stamped {@code ts}, is not a valid transition of {@code p}, or null. Pure. */
    String claimRules(Proc p, Claim c, long ts) {
        if (p.state != ProcessState.WAITING) {
            return "ignored: claim while " + p.state;
        }
        return claimRulesIgnoringState(p, c, ts);
    }

    /** The claim rules other than "the process is WAITING". Pure. */
    String claimRulesIgnoringState(Proc p, Claim c, long ts) {
        if (c.getAttempt() != p.attempt + 1) {
            return "ignored: claims attempt " + c.getAttempt() + ", next is " + (p.attempt + 1);
        }
        if (c.getAttempt() > p.maxRetries + 1 + p.releases) {
            return "ignored: no attempts left";
        }
        if (!c.getExecutorType().equals(p.executorType)) {
            return "ignored: executor type " + c.getExecutorType() + " is not " + p.executorType;
        }
        if (!nameAllowed(p, c.getExecutorName())) {
            return "ignored: executor name " + c.getExecutorName() + " is not allowed";
        }
        if (!new Resources(Math.max(0, c.getCpuMillis()), Math.max(0, c.getMemoryMb()), Math.max(0, c.getGpus()))
                .fits(p)) {
            return "ignored: the executor lacks the required cpu, memory or gpu";
        }
        if (p.deps != null) {
            for (Proc d : p.deps) {
                if (d.state != ProcessState.SUCCESS || d.endedAt > ts) {
                    return "ignored: a dependency has not succeeded";
                }
            }
        }
        long lease = c.getLeaseUntilMs() - ts;
        if (lease <= 0 || lease > config.maxLeaseMs()) {
            return "ignored: lease of " + lease + " ms is not in (0, " + config.maxLeaseMs() + "]";
        }
        return null;
    }

    static boolean nameAllowed(Proc p, String name) {
        if (p.executorNames == null) {
            return true;
        }
        for (String n : p.executorNames) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private String holderCheck(Proc p, int attempt, Member signer) {
        if (p.state != ProcessState.RUNNING) {
            return "ignored: process is " + p.state;
        }
        if (attempt != p.attempt) {
            return "ignored: attempt " + attempt + " is not the current attempt " + p.attempt;
        }
        if (signer != p.executor) {
            return "ignored: signer is not the executor of attempt " + attempt;
        }
        return null;
    }

    private String renew(Proc p, Renew r, Member signer, long ts) {
        String bad = renewRules(p, r, signer, ts);
        if (bad != null) {
            return bad;
        }
        p.leaseUntil = r.getLeaseUntilMs();
        return "lease until " + p.leaseUntil;
    }

    /** Why renew {@code r} by {@code signer}, stamped {@code ts}, is not a valid transition of {@code p}, or null. Pure. */
    String renewRules(Proc p, Renew r, Member signer, long ts) {
        String bad = holderCheck(p, r.getAttempt(), signer);
        if (bad != null) {
            return bad;
        }
        if (ts >= p.leaseUntil) {
            return "ignored: renewed after the lease ended";
        }
        if (r.getLeaseUntilMs() <= p.leaseUntil) {
            return "ignored: does not extend the lease";
        }
        if (r.getLeaseUntilMs() - ts > config.maxLeaseMs()) {
            return "ignored: lease longer than " + config.maxLeaseMs() + " ms";
        }
        return null;
    }

    private String close(Proc p, Close c, Member signer, long ts, FoldSink sink) {
        String bad = holderCheck(p, c.getAttempt(), signer);
        if (bad != null) {
            return bad;
        }
        if (ts > p.leaseUntil + config.graceMs()) {
            return "ignored: closed after the lease ended";
        }
        p.endedByExecutor = true;
        if (c.getSuccess()) {
            p.state = ProcessState.SUCCESS;
            p.endedAt = ts;
            p.leaseUntil = 0;
            if (sink != null) {
                sink.output(c.getOutputList());
            }
            return null;
        }
        if (sink != null) {
            c.getErrorsList().forEach(sink::error);
            if (c.getErrorsCount() == 0) {
                sink.error("attempt " + p.attempt + " failed");
            }
        }
        failAttempt(p, ts);
        return null;
    }

    private String fail(Proc p, Fail f, Member signer, long ts, FoldSink sink) {
        if (f.getAttempt() != p.attempt) {
            return "ignored: attempt " + f.getAttempt() + " is not the current attempt " + p.attempt;
        }
        if (isRelease(p, f, signer, ts)) {
            return release(p, ts);
        }
        boolean holder = p.state == ProcessState.RUNNING && signer == p.executor;
        if (!holder && membership.roleAt(signer, ts) != Role.NODE_VALUE
                && membership.roleAt(signer, ts) != Membership.OWNER_ROLE) {
            return "ignored: only a node, the owner or the attempt's executor may fail it";
        }
        if (p.state == ProcessState.WAITING) {
            if (p.maxWaitMs <= 0 || ts < p.waitingSince + p.maxWaitMs) {
                return "ignored: maxwaittime has not passed";
            }
            p.state = ProcessState.FAILED;
            p.endedAt = ts;
        } else {
            boolean leaseExpired = ts >= p.leaseUntil + config.graceMs();
            boolean execExceeded = p.maxExecMs > 0 && ts >= p.startedAt + p.maxExecMs + config.graceMs();
            if (!leaseExpired && !execExceeded) {
                return "ignored: lease still valid and maxexectime not exceeded";
            }
            p.endedByExecutor = holder;
            failAttempt(p, ts);
        }
        if (sink != null) {
            sink.error(f.getReason());
        }
        return null;
    }

    /** A Fail "released" by the running attempt's own executor while its lease (plus grace) holds. */
    private boolean isRelease(Proc p, Fail f, Member signer, long ts) {
        return p.state == ProcessState.RUNNING && signer == p.executor && RELEASE_REASON.equals(f.getReason())
                && ts <= p.leaseUntil + config.graceMs();
    }

    private String release(Proc p, long ts) {
        int attempt = p.attempt;
        if (p.releases >= MAX_FREE_RELEASES) {
            failAttempt(p, ts);
            return "released attempt " + attempt + " (counted as failed: " + MAX_FREE_RELEASES
                    + " free releases used) -> " + p.state;
        }
        p.releases++;
        p.endedByExecutor = true;
        p.leaseUntil = 0;
        p.state = ProcessState.WAITING;
        p.waitingSince = ts;
        return "released attempt " + attempt + " by its executor: RUNNING -> WAITING (no retry used)";
    }

    private String cancel(Proc p, Cancel c, Member signer, long ts, FoldSink sink) {
        if (signer != p.submitter && signer != membership.owner()) {
            return "ignored: only the submitter or the owner may cancel";
        }
        p.state = ProcessState.FAILED;
        p.endedAt = ts;
        p.leaseUntil = 0;
        if (sink != null) {
            sink.error("cancelled: " + c.getReason());
        }
        return null;
    }

    /**
     * A WAITING workflow member whose dependency ended FAILED can never run: it becomes FAILED too, at
     * the time its (first, in dependency order) failed parent ended. Applied after every fold of the
     * process, so it is as deterministic as the parents' states; descendants follow through the
     * ledger's re-fold of dependents.
     */
    static void inheritFailure(Proc p, FoldSink sink) {
        if (p.state != ProcessState.WAITING || p.deps == null) {
            return;
        }
        for (Proc d : p.deps) {
            if (d.state == ProcessState.FAILED) {
                p.state = ProcessState.FAILED;
                p.endedAt = Math.max(d.endedAt, p.waitingSince);
                p.leaseUntil = 0;
                if (sink != null) {
                    sink.error("dependency " + io.colony.protocol.Hex.encode(d.id.bytes()) + " failed");
                }
                return;
            }
        }
    }

    private static void failAttempt(Proc p, long ts) {
        p.leaseUntil = 0;
        if (p.attemptsLeft()) {
            p.state = ProcessState.WAITING;
            p.waitingSince = ts;
        } else {
            p.state = ProcessState.FAILED;
            p.endedAt = ts;
        }
    }
}
