package io.colony.node.vote;

import io.colony.protocol.Hex;
import io.colony.protocol.Records;
import io.colony.protocol.Votes;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.pb.Vote;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the voters' answers for one record: {@link Status#CERTIFIED} once valid votes of a strict
 * majority of the voters are in, {@link Status#REFUSED} once so many voters refused (or answered with a
 * vote that does not verify) that a majority can no longer be reached, otherwise
 * {@link Status#PENDING}. An answer from a key that is not a voter, and a second answer from the same
 * voter, change nothing. Thread-safe.
 */
public final class VoteTally {
    /** Where the collection stands. */
    public enum Status { PENDING, CERTIFIED, REFUSED }

    private final SignedRecord record;
    private final byte[] recordId;
    private final Set<String> voters = new HashSet<>();
    private final int need;
    private final Map<String, Vote> granted = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();

    /** A tally for {@code record} among {@code voters} (the voters at the record's timestamp). */
    public VoteTally(SignedRecord record, Collection<byte[]> voters) {
        this.record = Votes.withoutVotes(record);
        this.recordId = Records.recordId(record);
        voters.forEach(v -> this.voters.add(Hex.encode(v)));
        this.need = Votes.majority(this.voters.size());
    }

    /** Adds the answer of {@code voter}; returns the status after it. */
    public synchronized Status add(byte[] voter, VoteAnswer answer) {
        String k = Hex.encode(voter);
        if (!voters.contains(k) || granted.containsKey(k) || refused.containsKey(k)) {
            return status();
        }
        if (answer.granted() && answer.vote() != null && answer.vote().getVoter().equals(
                com.google.protobuf.ByteString.copyFrom(voter)) && Votes.verify(answer.vote(), recordId)) {
            granted.put(k, answer.vote());
        } else {
            refused.put(k, answer.granted() ? "a vote that does not verify" : answer.reason());
        }
        return status();
    }

    /** Where the collection stands. */
    public synchronized Status status() {
        if (voters.isEmpty()) {
            return Status.REFUSED;
        }
        if (granted.size() >= need) {
            return Status.CERTIFIED;
        }
        if (voters.size() - refused.size() < need) {
            return Status.REFUSED;
        }
        return Status.PENDING;
    }

    /** The record carrying the votes collected so far (a certificate once {@link Status#CERTIFIED}). */
    public synchronized SignedRecord certificate() {
        return Votes.withVotes(record, new ArrayList<>(granted.values()));
    }

    /** The refusals so far, voter id to reason. */
    public synchronized Map<String, String> refusals() {
        return Map.copyOf(refused);
    }

    /** Votes still needed for a majority (0 once certified). */
    public synchronized int missing() {
        return Math.max(0, need - granted.size());
    }

    /** The voters' ids (hex). */
    public List<String> voters() {
        return List.copyOf(voters);
    }
}
