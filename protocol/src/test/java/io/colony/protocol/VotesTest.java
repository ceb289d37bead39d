package io.colony.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.pb.Vote;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VotesTest {
    private final Identity owner = Identity.generate();
    private final Identity executor = Identity.generate();
    private final Identity v1 = Identity.generate();
    private final Identity v2 = Identity.generate();
    private final Identity v3 = Identity.generate();
    private final List<byte[]> voters = List.of(v1.publicKey(), v2.publicKey(), v3.publicKey());

    private SignedRecord claim() {
        return Records.sign(executor, Records.claim(owner.publicKey(), 1_000, new byte[32], 1, "ex", "t", 5_000));
    }

    @Test
    void votesTravelBesideTheBodyAndChangeNeitherIdNorSignature() {
        SignedRecord c = claim();
        byte[] id = Records.recordId(c);
        SignedRecord voted = Votes.withVotes(c, List.of(Votes.sign(v1, id), Votes.sign(v2, id)));
        assertArrayEquals(id, Records.recordId(voted));
        assertArrayEquals(id, Records.open(voted.toByteArray()).id());
        assertTrue(Records.verify(voted));
        assertEquals(c, Votes.withoutVotes(voted));
    }

    @Test
    void aMajorityOfDistinctValidVotersCertifies() {
        byte[] id = Records.recordId(claim());
        assertFalse(Votes.certified(List.of(Votes.sign(v1, id)), id, voters));
        assertTrue(Votes.certified(List.of(Votes.sign(v1, id), Votes.sign(v3, id)), id, voters));
        assertEquals(1, Votes.majority(1));
        assertEquals(2, Votes.majority(3));
        assertEquals(3, Votes.majority(5));
        assertEquals(3, Votes.majority(4));
        assertFalse(Votes.certified(List.of(Votes.sign(v1, id)), id, List.of()), "no voters: nothing certifies");
    }

    @Test
    void aRepeatedVoteCountsOnce() {
        byte[] id = Records.recordId(claim());
        Vote one = Votes.sign(v1, id);
        assertEquals(1, Votes.count(List.of(one, one, Votes.sign(v1, id)), id, voters));
        assertFalse(Votes.certified(List.of(one, one, one), id, voters));
    }

    @Test
    void forgedVotesCountForNothing() {
        byte[] id = Records.recordId(claim());
        Vote good = Votes.sign(v1, id);
        byte[] sig = good.getSignature().toByteArray();
        sig[5] ^= 1;
        Vote badSig = good.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
        Vote claimedByV2 = good.toBuilder().setVoter(ByteString.copyFrom(v2.publicKey())).build();
        Vote shortKey = Vote.newBuilder().setVoter(ByteString.copyFrom(new byte[5])).setSignature(good.getSignature()).build();
        assertEquals(0, Votes.count(List.of(badSig, claimedByV2, shortKey), id, voters));
    }

    @Test
    void votesByNonVotersAndForOtherRecordsCountForNothing() {
        byte[] id = Records.recordId(claim());
        byte[] other = Records.recordId(Records.sign(executor,
                Records.claim(owner.publicKey(), 1_001, new byte[32], 1, "ex", "t", 5_000)));
        Identity stranger = Identity.generate();
        assertEquals(0, Votes.count(List.of(Votes.sign(stranger, id), Votes.sign(executor, id)), id, voters));
        assertEquals(0, Votes.count(List.of(Votes.sign(v1, other), Votes.sign(v2, other)), id, voters));
    }

    @Test
    void aVoteIsNotARecordSignature() {
        // the record prefix and the vote prefix differ: a record signature over 32 bytes is no vote
        byte[] id = Records.recordId(claim());
        Vote fake = Vote.newBuilder().setVoter(ByteString.copyFrom(v1.publicKey()))
                .setSignature(ByteString.copyFrom(v1.sign(Records.SIGNING_PREFIX, id))).build();
        assertFalse(Votes.verify(fake, id));
    }

    @Test
    void tooManyVotesAreRefused() {
        SignedRecord c = claim();
        byte[] id = Records.recordId(c);
        List<Vote> many = new ArrayList<>();
        for (int i = 0; i <= Votes.MAX_VOTES; i++) {
            many.add(Votes.sign(Identity.generate(), id));
        }
        assertThrows(InvalidRecordException.class, () -> Votes.withVotes(c, many));
        SignedRecord stuffed = c.toBuilder().addAllVotes(many).build();
        assertThrows(InvalidRecordException.class, () -> Records.decode(stuffed));
    }

    @Test
    void admitCarriesTheVoterFlag() {
        var body = Records.admit(owner.publicKey(), 1, v1.publicKey(), io.colony.protocol.pb.Role.NODE, "n1", 0, true);
        assertTrue(body.getAdmit().getVoter());
        assertFalse(Records.admit(owner.publicKey(), 1, v1.publicKey(), io.colony.protocol.pb.Role.NODE, "n1", 0)
                .getAdmit().getVoter());
    }
}
