package io.colony.node.ledger;

/**
 * Ledger constants. Every node of a colony must use the same values for the timing rules
 * ({@code graceMs}, {@code maxLeaseMs}), or nodes could fold the same records differently.
 *
 * @param graceMs lease grace for clock skew: a lease counts as expired only at leaseUntil + grace
 * @param maxLeaseMs longest lease a Claim or Renew may take, measured from its timestamp
 * @param maxFutureSkewMs records stamped further than this ahead of {@code now} are refused
 * @param maxRecordsPerProcess non-log, non-renewal records kept per process; more are refused (renewals
 *                             are capped apart by {@link Ledger#MAX_RENEWALS_PER_PROCESS})
 * @param maxHeldRecords records held in memory while their Submit or their signer's Admit is missing
 * @param maxLogLines log lines kept per process (oldest dropped first)
 * @param maxLogBytes log bytes kept per process (oldest dropped first)
 * @param requireVotes a Claim or Renew takes effect only if it carries valid votes of a strict majority
 *                     of the colony's voters at its timestamp (see {@code io.colony.protocol.Votes})
 */
public record LedgerConfig(long graceMs, long maxLeaseMs, long maxFutureSkewMs, int maxRecordsPerProcess,
                           int maxHeldRecords, int maxLogLines, long maxLogBytes, boolean requireVotes) {

    /** Without votes required. */
    public LedgerConfig(long graceMs, long maxLeaseMs, long maxFutureSkewMs, int maxRecordsPerProcess,
                        int maxHeldRecords, int maxLogLines, long maxLogBytes) {
        this(graceMs, maxLeaseMs, maxFutureSkewMs, maxRecordsPerProcess, maxHeldRecords, maxLogLines, maxLogBytes,
                false);
    }

    /** This configuration with {@code requireVotes} set as given. */
    public LedgerConfig withRequireVotes(boolean require) {
        return new LedgerConfig(graceMs, maxLeaseMs, maxFutureSkewMs, maxRecordsPerProcess, maxHeldRecords,
                maxLogLines, maxLogBytes, require);
    }

    /**
     * Defaults: grace 2 s, max lease 5 min, future skew 30 s, 512 records, 10,000 held, 10,000 lines / 1 MiB,
     * votes not required.
     */
    public static LedgerConfig defaults() {
        return new LedgerConfig(2_000, 300_000, 30_000, 512, 10_000, 10_000, 1 << 20);
    }
}
