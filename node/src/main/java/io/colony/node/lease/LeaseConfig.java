package io.colony.node.lease;

/**
 * Executor lease timing.
 *
 * <p>Safety: the executor stops a process at {@code lastConfirmedLeaseUntil - safetyMarginMs} on its
 * own clock when renewals stop being confirmed; other nodes may declare the lease expired only at
 * {@code leaseUntil + grace} on theirs (ledger grace, 2 s by default). So a process is dead before
 * anyone else may claim it as long as the two clocks differ by less than
 * {@code safetyMarginMs + grace} minus the time it takes to kill the process: 3 s minus kill time with
 * the defaults.
 *
 * @param leaseMs lease length requested by claims and renewals (default 10 s)
 * @param settleMs how long after claiming to wait before starting, to let competing claims arrive
 *                 (0 for a single node)
 * @param renewEveryMs renewal period (default leaseMs / 3)
 * @param safetyMarginMs stop this long before the last confirmed lease ends (default 1 s)
 * @param claimTimeoutMs forget a claim the ledger has not shown as ours after this long
 * @param confirmFromLedger treat a renewal seen in the local ledger as confirmed (single node); when
 *                          false only {@link LeaseManager#renewalConfirmed} confirms
 * @param claimSpreadMs with several executors in a colony, each waits a delay in [0, claimSpreadMs)
 *                      after a process became WAITING before claiming it, drawn from a hash of its
 *                      own key and the process id (a different order of executors for every process):
 *                      usually the first claim reaches the others before their turn, so one claim is
 *                      made instead of one per idle executor. 0 for a single node.
 * @param claimCheckMs with peers, a claimed attempt starts only once every connected member peer
 *                     answered the claim check ({@link LeaseManager#claimChecked}), or this long after
 *                     the claim if some did not; 0: no check (a single node)
 */
public record LeaseConfig(long leaseMs, long settleMs, long renewEveryMs, long safetyMarginMs, long claimTimeoutMs,
                          boolean confirmFromLedger, long claimSpreadMs, long claimCheckMs) {

    /** Validates the relations between the values. */
    public LeaseConfig {
        if (leaseMs <= 0 || renewEveryMs <= 0 || renewEveryMs >= leaseMs || safetyMarginMs < 0
                || safetyMarginMs >= leaseMs - renewEveryMs || settleMs < 0 || claimTimeoutMs <= settleMs
                || claimSpreadMs < 0 || claimCheckMs < 0 || claimCheckMs >= claimTimeoutMs) {
            throw new IllegalArgumentException("inconsistent lease timing: " + leaseMs + "/" + renewEveryMs + "/"
                    + safetyMarginMs + "/" + settleMs + "/" + claimTimeoutMs);
        }
    }

    /** Timing without claim spreading (a single executor, or tests). */
    public LeaseConfig(long leaseMs, long settleMs, long renewEveryMs, long safetyMarginMs, long claimTimeoutMs,
                       boolean confirmFromLedger) {
        this(leaseMs, settleMs, renewEveryMs, safetyMarginMs, claimTimeoutMs, confirmFromLedger, 0, 0);
    }

    /** This timing with claims spread over {@code ms} (see {@link #claimSpreadMs()}). */
    public LeaseConfig withClaimSpread(long ms) {
        return new LeaseConfig(leaseMs, settleMs, renewEveryMs, safetyMarginMs, claimTimeoutMs, confirmFromLedger, ms,
                claimCheckMs);
    }

    /** This timing with claim checks of at most {@code ms} (see {@link #claimCheckMs()}). */
    public LeaseConfig withClaimCheck(long ms) {
        return new LeaseConfig(leaseMs, settleMs, renewEveryMs, safetyMarginMs, claimTimeoutMs, confirmFromLedger,
                claimSpreadMs, ms);
    }

    /** Defaults for a single node: lease 10 s, renew every 3.33 s, margin 1 s, no settle delay. */
    public static LeaseConfig defaults() {
        return of(10_000, 0);
    }

    /** Lease {@code leaseMs}, renewal every third of it, margin 1 s (or a tenth for short leases). */
    public static LeaseConfig of(long leaseMs, long settleMs) {
        long renew = leaseMs / 3;
        long margin = Math.min(1_000, leaseMs / 10);
        return new LeaseConfig(leaseMs, settleMs, renew, margin, settleMs + leaseMs, true);
    }
}
