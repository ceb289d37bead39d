package io.colony.node.lease;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.ProcessSummary;
import io.colony.node.ledger.Resources;
import io.colony.protocol.Hex;
import io.colony.protocol.ProcessState;
import io.colony.protocol.Records;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.ByteBuffer;

/**
 * Lease logic of one executor. Pure and deterministic: no threads, no clock (time is an argument), no
 * signing (it returns bodies to sign). Not thread-safe.
 *
 * <p>Cycle: {@link #poll} claims WAITING processes while capacity is free ({@code leaseUntil = now +
 * lease}); once the ledger shows the claim as ours, the settle delay has passed and (with claim
 * checks) every connected peer has seen the claim and answered, it emits
 * {@link LeaseAction.Start}; it renews every {@code renewEveryMs}; it emits {@link LeaseAction.Stop} when
 * the ledger says the attempt is no longer ours (lease lost, cancelled, failed), when maxexectime is
 * reached, or when the last confirmed lease end minus the safety margin is reached (renewals not
 * confirmed). {@link #finished} turns a process's exit into a Close body. See {@link LeaseConfig} for the
 * clock-skew margin this gives.
 */
public final class LeaseManager {
    /** Most characters of output or errors put into one Close record; the rest is cut. */
    public static final int MAX_CLOSE_CHARS = 256 * 1024;
    /** Reason of the Fail that hands an attempt back without using up a retry (see the ledger rules). */
    public static final String RELEASE_REASON = Ledger.RELEASE_REASON;

    private final byte[] colony;
    private final String executorId;
    private final String executorName;
    private final String executorType;
    private final LeaseConfig config;
    private final Resources resources;
    private final Map<ByteBuffer, Lease> leases = new LinkedHashMap<>();
    private int capacity;
    private java.util.function.Predicate<byte[]> claimFilter = id -> true;

    /** A claimed or running attempt. */
    private static final class Lease {
        final byte[] processId;
        final int attempt;
        final long claimedAt;
        boolean started;
        /** When the program was started (this executor's clock): maxexectime counts from here. */
        long startedAt;
        boolean checked;
        long confirmedUntil;
        long lastRenewAt;
        long lastTs;

        Lease(byte[] processId, int attempt, long claimedAt, long claimTs) {
            this.processId = processId;
            this.attempt = attempt;
            this.claimedAt = claimedAt;
            this.lastRenewAt = claimedAt;
            this.lastTs = claimTs;
        }

        /**
         * A timestamp for this lease's next record: now, but strictly after its previous record, so
         * that the fold order (timestamp, id) never puts a Renew or Close before its Claim.
         */
        long stamp(long now) {
            lastTs = Math.max(now, lastTs + 1);
            return lastTs;
        }
    }

    /**
     * @param colonyId the colony id
     * @param executorKey this executor's public key (the signer of its records)
     * @param executorName this executor's name
     * @param executorType this executor's type
     * @param capacity most processes claimed or running at once
     * @param config timing
     */
    public LeaseManager(byte[] colonyId, byte[] executorKey, String executorName, String executorType, int capacity,
                        LeaseConfig config) {
        this(colonyId, executorKey, executorName, executorType, capacity, config, Resources.NONE);
    }

    /**
     * An executor offering {@code resources}: it claims only processes whose conditions (cpu, memory,
     * gpu) they cover, and its claims carry them so that every node can check.
     */
    public LeaseManager(byte[] colonyId, byte[] executorKey, String executorName, String executorType, int capacity,
                        LeaseConfig config, Resources resources) {
        this.resources = resources;
        this.colony = colonyId.clone();
        this.executorId = Hex.encode(executorKey);
        this.executorName = executorName;
        this.executorType = executorType;
        this.capacity = capacity;
        this.config = config;
    }

    /**
     * Claims only the processes {@code filter} accepts (by process id), e.g. those this node's
     * operator allows it to run; the others stay WAITING for another executor.
     */
    public void setClaimFilter(java.util.function.Predicate<byte[]> filter) {
        this.claimFilter = java.util.Objects.requireNonNull(filter, "filter");
    }

    /** Changes the capacity (running processes above it are not stopped). */
    public void setCapacity(int capacity) {
        this.capacity = capacity;
    }

    /** Claimed or running attempts. */
    public int active() {
        return leases.size();
    }

    /** True if this executor holds (claimed or running) the process. */
    public boolean holds(byte[] processId) {
        return leases.containsKey(ByteBuffer.wrap(processId));
    }

    /**
     * Decides what to do at {@code nowMs}: starts, stops, renewals, then new claims for free capacity.
     * Call it periodically (at least every {@code renewEveryMs / 2}) and after every ledger change.
     */
    public List<LeaseAction> poll(Ledger ledger, long nowMs) {
        List<LeaseAction> actions = new ArrayList<>();
        for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
            Lease l = it.next();
            ProcessSummary s = ledger.summary(l.processId).orElse(null);
            if (l.started ? running(l, s, nowMs, actions) : claimed(l, s, nowMs, actions)) {
                it.remove();
            }
        }
        int free = capacity - leases.size();
        if (free > 0) {
            for (ProcessSummary s : ledger.claimable(executorType, executorName, resources, nowMs,
                    free + leases.size(), claimFilter)) {
                if (free == 0) {
                    break;
                }
                if (holds(s.processId()) || nowMs < s.waitingSinceMs() + claimDelay(s.processId())) {
                    continue;
                }
                // stamped after the record that made it WAITING, so the claim folds after it
                long ts = Math.max(nowMs, s.waitingSinceMs() + 1);
                Lease l = new Lease(s.processId(), s.attempt() + 1, nowMs, ts);
                leases.put(ByteBuffer.wrap(l.processId), l);
                actions.add(new LeaseAction.Sign(l.processId, l.attempt, Records.claim(colony, ts, l.processId,
                        l.attempt, executorName, executorType, ts + config.leaseMs(), resources.cpuMillis(),
                        resources.memoryMb(), resources.gpus())));
                free--;
            }
        }
        return actions;
    }

    /** This executor's turn for a process, in [0, claimSpreadMs): see {@link LeaseConfig#claimSpreadMs()}. */
    long claimDelay(byte[] processId) {
        if (config.claimSpreadMs() <= 0) {
            return 0;
        }
        long h = 1125899906842597L;
        for (int i = 0; i < executorId.length(); i++) {
            h = 31 * h + executorId.charAt(i);
        }
        for (byte b : processId) {
            h = 31 * h + b;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return Math.floorMod(h, config.claimSpreadMs());
    }

    /**
     * Every connected member peer answered the claim check of this attempt (or there were none): it
     * may start once the settle time passed, if the ledger still shows it as ours.
     */
    public void claimChecked(byte[] processId, int attempt) {
        Lease l = leases.get(ByteBuffer.wrap(processId));
        if (l != null && l.attempt == attempt) {
            l.checked = true;
        }
    }

    /** Handles a claimed, not yet started attempt; true to forget it. */
    private boolean claimed(Lease l, ProcessSummary s, long now, List<LeaseAction> actions) {
        if (isMine(l, s)) {
            if (now < l.claimedAt + config.settleMs()) {
                return false;
            }
            if (config.claimCheckMs() > 0 && !l.checked && now < l.claimedAt + config.claimCheckMs()) {
                return false; // a peer has not answered the claim check yet
            }
            l.started = true;
            l.startedAt = now;
            l.confirmedUntil = s.leaseUntilMs();
            actions.add(new LeaseAction.Start(l.processId, l.attempt));
            return running(l, s, now, actions);
        }
        boolean lost = s != null && (s.state().isFinal() || s.attempt() >= l.attempt);
        return lost || now >= l.claimedAt + config.claimTimeoutMs();
    }

    /** Handles a running attempt; true to forget it. */
    private boolean running(Lease l, ProcessSummary s, long now, List<LeaseAction> actions) {
        if (!isMine(l, s)) {
            actions.add(new LeaseAction.Stop(l.processId, l.attempt, lostReason(s)));
            return true;
        }
        if (config.confirmFromLedger() && s.leaseUntilMs() > l.confirmedUntil) {
            l.confirmedUntil = s.leaseUntilMs();
        }
        if (now >= l.confirmedUntil - config.safetyMarginMs()) {
            actions.add(new LeaseAction.Stop(l.processId, l.attempt, "lease renewals not confirmed"));
            return true;
        }
        if (s.maxExecMs() > 0 && now >= l.startedAt + s.maxExecMs()) {
            actions.add(new LeaseAction.Stop(l.processId, l.attempt, "maxexectime exceeded"));
            return true;
        }
        if (now >= l.lastRenewAt + config.renewEveryMs() && now + config.leaseMs() > s.leaseUntilMs()
                && now < s.leaseUntilMs()) {
            l.lastRenewAt = now;
            long ts = l.stamp(now);
            actions.add(new LeaseAction.Sign(l.processId, l.attempt,
                    Records.renew(colony, ts, l.processId, l.attempt, ts + config.leaseMs())));
        }
        return false;
    }

    private boolean isMine(Lease l, ProcessSummary s) {
        return s != null && s.state() == ProcessState.RUNNING && s.attempt() == l.attempt
                && executorId.equals(s.executorId());
    }

    private static String lostReason(ProcessSummary s) {
        if (s == null) {
            return "process unknown";
        }
        return switch (s.state()) {
            case FAILED -> "process failed or was cancelled";
            case SUCCESS -> "process already succeeded";
            case WAITING -> "lease expired";
            case RUNNING -> "attempt " + s.attempt() + " belongs to another executor";
        };
    }

    /**
     * A renewal of attempt {@code attempt} up to {@code leaseUntilMs} was confirmed (e.g. acknowledged by
     * peers); the process may run until that time minus the safety margin.
     */
    public void renewalConfirmed(byte[] processId, int attempt, long leaseUntilMs) {
        Lease l = leases.get(ByteBuffer.wrap(processId));
        if (l != null && l.attempt == attempt && leaseUntilMs > l.confirmedUntil) {
            l.confirmedUntil = leaseUntilMs;
        }
    }

    /**
     * The process exited: returns the Close body to sign (empty if the attempt is no longer held, e.g.
     * after a Stop). Output and errors are cut to {@link #MAX_CLOSE_CHARS} characters each.
     */
    public List<LeaseAction> finished(byte[] processId, boolean success, List<String> output, List<String> errors,
                                      long nowMs) {
        Lease l = leases.get(ByteBuffer.wrap(processId));
        if (l == null || !l.started) {
            return List.of();
        }
        leases.remove(ByteBuffer.wrap(processId));
        return List.of(new LeaseAction.Sign(processId, l.attempt, Records.close(colony, l.stamp(nowMs), processId,
                l.attempt, success, cut(output), cut(errors))));
    }

    /**
     * Hands every held attempt back (node shutdown, after its processes were killed): returns a Fail
     * with reason {@code "released"} per claimed or running attempt, which the ledger accepts from
     * this executor while the lease holds and which returns the process to WAITING without using up
     * a retry. Forgets every lease; a released claim that never took effect is a no-op in the ledger.
     */
    public List<LeaseAction> releaseAll(long nowMs) {
        List<LeaseAction> out = new ArrayList<>();
        for (Lease l : leases.values()) {
            out.add(new LeaseAction.Sign(l.processId, l.attempt, Records.fail(colony, l.stamp(nowMs), l.processId,
                    l.attempt, RELEASE_REASON, false)));
        }
        leases.clear();
        return out;
    }

    /** Ids of the processes currently held (claimed or running). */
    public List<byte[]> held() {
        List<byte[]> out = new ArrayList<>();
        leases.values().forEach(l -> out.add(Arrays.copyOf(l.processId, l.processId.length)));
        return out;
    }

    private static List<String> cut(List<String> lines) {
        List<String> out = new ArrayList<>();
        long total = 0;
        for (String line : lines) {
            if (total + line.length() > MAX_CLOSE_CHARS) {
                out.add("... " + (lines.size() - out.size()) + " more lines cut");
                break;
            }
            total += line.length();
            out.add(line);
        }
        return out;
    }
}
