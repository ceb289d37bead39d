package io.colony.protocol;

import com.google.protobuf.ByteString;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.pb.Vote;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Voters' acknowledgements of a record (a Claim or Renew). A vote is
 * {@code Ed25519(voter, "colony-vote-v1:" || record id)}; votes travel in {@code SignedRecord.votes},
 * beside the body, so the member's signature and the record id ({@link Records#recordId}) stay the same
 * whatever votes a copy carries. A set of votes is a certificate when the distinct voters with a valid
 * vote are a strict majority of the voters that count for the record.
 */
public final class Votes {
    /** Domain-separation prefix of every vote signature (distinct from the record prefix). */
    public static final byte[] VOTE_PREFIX = "colony-vote-v1:".getBytes(StandardCharsets.US_ASCII);
    /** Most votes one record may carry: a colony has at most this many voters that count. */
    public static final int MAX_VOTES = 15;
    /** Encoded size of one vote, tag and length bytes included, rounded up. */
    public static final int VOTE_WIRE_BYTES = 104;

    private Votes() {
    }

    /** The vote of {@code voter} for the record with id {@code recordId}. */
    public static Vote sign(Identity voter, byte[] recordId) {
        checkId(recordId);
        return Vote.newBuilder().setVoter(ByteString.copyFrom(voter.publicKey()))
                .setSignature(ByteString.copyFrom(voter.sign(VOTE_PREFIX, recordId))).build();
    }

    /** True iff {@code vote} is a valid signature by its voter of {@code recordId}. */
    public static boolean verify(Vote vote, byte[] recordId) {
        if (recordId == null || recordId.length != Ids.ID_BYTES) {
            return false;
        }
        return Signatures.verify(vote.getVoter().toByteArray(), VOTE_PREFIX, recordId,
                vote.getSignature().toByteArray());
    }

    /**
     * The distinct keys among {@code voters} with a valid vote for {@code recordId} in {@code votes}
     * (hex member ids). A bad signature, a vote by a key not in {@code voters} and a second vote by the
     * same key count for nothing.
     */
    public static Set<String> validVoters(Collection<Vote> votes, byte[] recordId, Collection<byte[]> voters) {
        Set<String> allowed = new HashSet<>();
        voters.forEach(v -> allowed.add(Hex.encode(v)));
        Set<String> out = new HashSet<>();
        for (Vote v : votes) {
            String k = Hex.encode(v.getVoter().toByteArray());
            if (allowed.contains(k) && !out.contains(k) && verify(v, recordId)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Number of distinct voters among {@code voters} with a valid vote for {@code recordId}. */
    public static int count(Collection<Vote> votes, byte[] recordId, Collection<byte[]> voters) {
        return validVoters(votes, recordId, voters).size();
    }

    /** Smallest strict majority of {@code voterCount} voters (1 of 1, 2 of 3, 3 of 5); 1 when there are none. */
    public static int majority(int voterCount) {
        return voterCount / 2 + 1;
    }

    /** True iff {@code votes} hold valid votes of a strict majority of {@code voters}; never with no voters. */
    public static boolean certified(Collection<Vote> votes, byte[] recordId, Collection<byte[]> voters) {
        return !voters.isEmpty() && count(votes, recordId, voters) >= majority(voters.size());
    }

    /** {@code record} carrying {@code votes} beside its body (replacing any it had); its id is unchanged. */
    public static SignedRecord withVotes(SignedRecord record, Collection<Vote> votes) {
        if (votes.size() > MAX_VOTES) {
            throw new InvalidRecordException("at most " + MAX_VOTES + " votes per record");
        }
        return record.toBuilder().clearVotes().addAllVotes(votes).build();
    }

    /** The record without its votes: the bytes the member signed, as it was before voting. */
    public static SignedRecord withoutVotes(SignedRecord record) {
        return record.getVotesCount() == 0 ? record : record.toBuilder().clearVotes().build();
    }

    private static void checkId(byte[] recordId) {
        if (recordId == null || recordId.length != Ids.ID_BYTES) {
            throw new IllegalArgumentException("record id must be 32 bytes");
        }
    }
}
