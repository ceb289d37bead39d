package io.colony.node.vote;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.ProcessSummary;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Identity;
import io.colony.protocol.Ids;
import io.colony.protocol.InvalidRecordException;
import io.colony.protocol.RecordKind;
import io.colony.protocol.Records;
import io.colony.protocol.Votes;
import io.colony.protocol.pb.SignedRecord;
import java.io.IOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A voter's rules: whether this node acknowledges a Claim or Renew, judged against its own ledger and
 * clock, with every vote written to its {@link VoteTable} before it is answered.
 *
 * <ul>
 *   <li>A record is judged only if it is stamped within {@link #MAX_CLOCK_SKEW_MS} of this voter's clock
 *       (so a claim made after the fact, back-dated or not, gets no vote) and this node is a voter.</li>
 *   <li><b>Claim</b>: granted only while that attempt is claimable in this ledger (the process WAITING
 *       for exactly this attempt, or RUNNING the previous attempt whose lease ended
 *       {@code MAX_CLOCK_SKEW_MS} ago by this clock), and at most once per (process, attempt): a second
 *       claim of an attempt is refused, unless the claim voted for never reached this ledger and its lease
 *       plus the ledger's grace is over (then that vote expired: split votes resolve). A claim of a later
 *       attempt waits until the last lease this voter acknowledged plus {@code MAX_CLOCK_SKEW_MS} is over,
 *       unless that attempt was ended by its own executor: an executor cut off from a majority stops
 *       when its lease ends by its clock, before any majority acknowledges the next claim.</li>
 *   <li><b>Renew</b>: granted only if this ledger holds the attempt as RUNNING under a claim by the
 *       renewal's signer, and that lease has not ended by this clock.</li>
 * </ul>
 *
 * <p>Not thread-safe with respect to the ledger: call it on the ledger's owner thread.
 */
public final class VoteKeeper {
    /**
     * The largest difference between two members' clocks the vote rules allow for: {@value} ms. A voter
     * refuses records stamped further than this from its clock, and waits this long past the last lease
     * it acknowledged before acknowledging the next attempt's claim; an executor must stop its process
     * when its lease ends by its own clock.
     */
    public static final long MAX_CLOCK_SKEW_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(VoteKeeper.class);
    private static final byte[] NO_CLAIM = new byte[Ids.ID_BYTES];

    private final Identity self;
    private final Ledger ledger;
    private final VoteTable table;

    /** A voter signing with {@code self}, judging against {@code ledger}, remembering in {@code table}. */
    public VoteKeeper(Identity self, Ledger ledger, VoteTable table) {
        this.self = self;
        this.ledger = ledger;
        this.table = table;
    }

    /** This voter's answer to a request for {@code record} (votes it carries are ignored) at {@code nowMs}. */
    public synchronized VoteAnswer answer(SignedRecord record, long nowMs) {
        DecodedRecord d;
        try {
            d = Records.open(Votes.withoutVotes(record));
        } catch (InvalidRecordException e) {
            return VoteAnswer.refused("not a valid record: " + e.getMessage());
        }
        if (d.kind() != RecordKind.CLAIM && d.kind() != RecordKind.RENEW) {
            return VoteAnswer.refused("only claims and renewals are voted on");
        }
        if (!ledger.isVoter(self.publicKey(), nowMs)) {
            return VoteAnswer.refused("this node is not a voter of the colony");
        }
        long skew = d.timestampMs() - nowMs;
        if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
            return VoteAnswer.refused("the record is stamped " + Math.abs(skew) + " ms " + (skew < 0 ? "behind" : "ahead of")
                    + " this voter's clock; at most " + MAX_CLOCK_SKEW_MS + " ms is allowed");
        }
        try {
            return d.kind() == RecordKind.CLAIM ? claim(d, nowMs) : renew(d, nowMs);
        } catch (IOException e) {
            LOG.warn("could not record a vote durably: {}", e.getMessage());
            return VoteAnswer.refused("this voter could not record its vote");
        }
    }

    private VoteAnswer claim(DecodedRecord d, long nowMs) throws IOException {
        String problem = ledger.claimProblem(d, nowMs, MAX_CLOCK_SKEW_MS);
        if (problem != null) {
            return VoteAnswer.refused(problem);
        }
        byte[] pid = d.processId();
        int attempt = d.attempt();
        long lease = d.record().getClaim().getLeaseUntilMs();
        VoteEntry e = table.get(pid);
        long granted = lease;
        if (e != null) {
            if (e.attempt() > attempt) {
                return VoteAnswer.refused("this voter already acknowledged attempt " + e.attempt());
            }
            if (e.attempt() == attempt) {
                if (Arrays.equals(e.claimId(), d.id())) {
                    return VoteAnswer.granted(Votes.sign(self, d.id())); // the same claim asked again
                }
                boolean expired = !ledger.containsRecord(e.claimId())
                        && nowMs > e.claimLeaseUntil() + ledger.config().graceMs()
                        && nowMs > e.grantedUntil() + MAX_CLOCK_SKEW_MS;
                if (!expired) {
                    return VoteAnswer.refused("this voter acknowledged another claim of attempt " + attempt);
                }
                granted = Math.max(lease, e.grantedUntil());
            } else if (nowMs < e.grantedUntil() + MAX_CLOCK_SKEW_MS && !endedByItsExecutor(pid, e.attempt())) {
                return VoteAnswer.refused("attempt " + e.attempt() + " may run until " + e.grantedUntil()
                        + " plus " + MAX_CLOCK_SKEW_MS + " ms of clock skew");
            }
        }
        table.put(new VoteEntry(pid, attempt, d.id(), lease, granted));
        return VoteAnswer.granted(Votes.sign(self, d.id()));
    }

    private boolean endedByItsExecutor(byte[] pid, int attempt) {
        ProcessSummary s = ledger.summary(pid).orElse(null);
        return s != null && s.attempt() == attempt && ledger.lastAttemptEndedByExecutor(pid);
    }

    private VoteAnswer renew(DecodedRecord d, long nowMs) throws IOException {
        String problem = ledger.renewProblem(d, nowMs);
        if (problem != null) {
            return VoteAnswer.refused(problem);
        }
        byte[] pid = d.processId();
        int attempt = d.attempt();
        long lease = d.record().getRenew().getLeaseUntilMs();
        VoteEntry e = table.get(pid);
        if (e != null && e.attempt() > attempt) {
            return VoteAnswer.refused("this voter already acknowledged attempt " + e.attempt());
        }
        VoteEntry next = e != null && e.attempt() == attempt
                ? new VoteEntry(pid, attempt, e.claimId(), e.claimLeaseUntil(), Math.max(e.grantedUntil(), lease))
                : new VoteEntry(pid, attempt, NO_CLAIM, 0, lease);
        table.put(next);
        return VoteAnswer.granted(Votes.sign(self, d.id()));
    }
}
