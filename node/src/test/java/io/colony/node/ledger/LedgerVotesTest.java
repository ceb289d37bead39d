package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.Votes;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import io.colony.protocol.pb.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Claims and renewals with votes required: only a majority certificate makes them count. */
class LedgerVotesTest {
    private final Identity ownerId = Identity.generate();
    private final byte[] colony = ownerId.publicKey();
    private final RecordFactory owner = new RecordFactory(ownerId, colony);
    private final Identity v1 = Identity.generate();
    private final Identity v2 = Identity.generate();
    private final Identity v3 = Identity.generate();
    private final Identity exId = Identity.generate();
    private final RecordFactory ex = new RecordFactory(exId, colony);
    private final Identity attackerId = Identity.generate();
    private final RecordFactory attacker = new RecordFactory(attackerId, colony);
    private final long now = T0 + 1_000_000;

    private List<SignedRecord> membership(boolean namedVoters) {
        List<SignedRecord> out = new ArrayList<>();
        for (Identity v : List.of(v1, v2, v3)) {
            out.add(owner.admit(T0, v.publicKey(), Role.NODE, "v", 0, namedVoters));
        }
        out.add(owner.admit(T0, exId.publicKey(), Role.NODE, "ex", 0));
        out.add(owner.admit(T0, attackerId.publicKey(), Role.NODE, "attacker", 0));
        return out;
    }

    private Ledger ledger(boolean requireVotes) {
        Ledger l = new Ledger(colony, LedgerConfig.defaults().withRequireVotes(requireVotes), new MemoryRecordStore());
        membership(true).forEach(r -> l.apply(r, now));
        return l;
    }

    private static SignedRecord voted(SignedRecord r, Identity... voters) {
        byte[] id = Records.recordId(r);
        return Votes.withVotes(r, Stream.of(voters).map(v -> Votes.sign(v, id)).toList());
    }

    @Test
    void votersAreTheNamedNodesOrEveryNodeWhileNoneIsNamed() {
        Ledger named = ledger(true);
        assertEquals(3, named.voters(now).size());
        assertTrue(named.isVoter(v1.publicKey(), now));
        assertFalse(named.isVoter(exId.publicKey(), now));
        assertFalse(named.isVoter(colony, now), "the owner is no voter");
        named.apply(owner.revoke(T0 + 10, v3.publicKey(), "gone"), now);
        assertEquals(2, named.voters(now).size());

        Ledger legacy = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());
        membership(false).forEach(r -> legacy.apply(r, now));
        assertEquals(5, legacy.voters(now).size(), "no voter named: every node votes");
        legacy.apply(owner.admit(T0 + 100, v1.publicKey(), Role.NODE, "v", 0, true), now);
        assertEquals(5, legacy.voters(T0 + 99).size());
        assertEquals(1, legacy.voters(T0 + 100).size(), "once a voter is named, only named voters vote");
    }

    @Test
    void aClaimTakesEffectOnlyWithAMajorityOfVotes() {
        Ledger l = ledger(true);
        SignedRecord sub = owner.submit(T0 + 100, spec(0));
        byte[] p = Records.recordId(sub);
        l.apply(sub, now);
        SignedRecord claim = ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200);
        Outcome one = l.apply(voted(claim, v1), now).outcome();
        assertEquals(Outcome.Status.REFUSED, one.status());
        assertTrue(one.reason().contains("1 of 3 voters, 2 needed"), one.reason());
        assertEquals(ProcessState.WAITING, l.get(p).orElseThrow().state());
        assertEquals(Outcome.Status.ACCEPTED, l.apply(voted(claim, v1, v3), now).outcome().status());
        assertEquals(ProcessState.RUNNING, l.get(p).orElseThrow().state());

        SignedRecord renew = ex.renew(T0 + 5_000, p, 1, T0 + 15_000);
        assertEquals(Outcome.Status.REFUSED, l.apply(renew, now).outcome().status());
        assertEquals(T0 + 10_200, l.get(p).orElseThrow().leaseUntilMs());
        l.apply(voted(renew, v2, v3), now);
        assertEquals(T0 + 15_000, l.get(p).orElseThrow().leaseUntilMs());
    }

    @Test
    void withoutRequireVotesAnUnvotedClaimStillCounts() {
        Ledger l = ledger(false);
        SignedRecord sub = owner.submit(T0 + 100, spec(0));
        byte[] p = Records.recordId(sub);
        l.apply(sub, now);
        l.apply(ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200), now);
        assertEquals(ProcessState.RUNNING, l.get(p).orElseThrow().state());
    }

    /** Attack: a member back-dates a Claim and a Close of a finished process to replace its output. */
    @Test
    void aBackDatedClaimAndCloseOfAFinishedProcessChangeNothing() {
        Ledger l = ledger(true);
        SignedRecord sub = owner.submit(T0 + 100, spec(0));
        byte[] p = Records.recordId(sub);
        SignedRecord claim = voted(ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200), v1, v2);
        SignedRecord close = ex.close(T0 + 1_000, p, 1, true, List.of("genuine"), List.of());
        l.applyAll(List.of(sub, claim, close), now);
        assertEquals(List.of("genuine"), l.get(p).orElseThrow().output());

        SignedRecord forgedClaim = attacker.claim(T0 + 101, p, 1, "attacker", "cli", T0 + 10_101);
        SignedRecord forgedClose = attacker.close(T0 + 102, p, 1, true, List.of("forged"), List.of());
        // the attacker signs the votes of keys it owns: they are no voters' votes
        SignedRecord selfVoted = voted(forgedClaim, attackerId, exId);
        // posted to the API
        Outcome api = l.applyClient(List.of(Records.open(forgedClaim)), T0 + 1_100).outcome();
        assertEquals(Outcome.Status.REFUSED, api.status());
        assertTrue(api.reason().contains("majority"), api.reason());
        l.applyClient(List.of(Records.open(forgedClose)), T0 + 1_100);
        // from a peer, with and without votes
        l.applyAll(List.of(forgedClaim, forgedClose), now);
        assertTrue(Stream.of(Outcome.Status.REFUSED, Outcome.Status.HELD)
                .anyMatch(st -> st == l.apply(selfVoted, now).outcome().status()));
        assertEquals(ProcessState.SUCCESS, l.get(p).orElseThrow().state());
        assertEquals(List.of("genuine"), l.get(p).orElseThrow().output());

        // a node that receives the forgeries first, and the genuine records later through sync
        Ledger late = ledger(true);
        late.applyAll(List.of(sub, forgedClaim, forgedClose, selfVoted), now);
        assertEquals(ProcessState.WAITING, late.get(p).orElseThrow().state());
        late.applyAll(List.of(close, claim), now);
        assertEquals(ProcessState.SUCCESS, late.get(p).orElseThrow().state());
        assertEquals(List.of("genuine"), late.get(p).orElseThrow().output());
    }

    /** Attack: forged votes, non-voters' votes, one vote repeated, votes for another record. */
    @Test
    void fakeMajoritiesDoNotCount() {
        Ledger l = ledger(true);
        SignedRecord sub = owner.submit(T0 + 100, spec(0));
        byte[] p = Records.recordId(sub);
        l.apply(sub, now);
        SignedRecord claim = ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200);
        byte[] id = Records.recordId(claim);
        Vote good = Votes.sign(v1, id);
        byte[] sig = good.getSignature().toByteArray();
        sig[0] ^= 1;
        Vote forged = Vote.newBuilder().setVoter(ByteString.copyFrom(v2.publicKey()))
                .setSignature(ByteString.copyFrom(sig)).build();
        SignedRecord other = ex.claim(T0 + 201, p, 1, "ex", "cli", T0 + 10_201);
        Vote forOther = Votes.sign(v3, Records.recordId(other));
        for (List<Vote> votes : List.of(List.of(good, forged), List.of(good, good, good), List.of(good, forOther),
                List.of(good, Votes.sign(exId, id)))) {
            l.apply(Votes.withVotes(claim, votes), now);
            assertEquals(ProcessState.WAITING, l.get(p).orElseThrow().state(), votes.toString());
        }
    }

    @Test
    void votesByKeysNotYetKnownAsVotersAreHeld() {
        Ledger l = ledger(true);
        Identity v4 = Identity.generate();
        Identity v5 = Identity.generate();
        SignedRecord sub = owner.submit(T0 + 100, spec(0));
        byte[] p = Records.recordId(sub);
        l.apply(sub, now);
        SignedRecord claim = voted(ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200), v1, v4, v5);
        assertEquals(Outcome.Status.HELD, l.apply(claim, now).outcome().status());
        // the owner made v4 and v5 voters before the claim: 3 of 5
        l.apply(owner.admit(T0 + 10, v4.publicKey(), Role.NODE, "v4", 0, true), now);
        l.apply(owner.admit(T0 + 10, v5.publicKey(), Role.NODE, "v5", 0, true), now);
        assertEquals(ProcessState.RUNNING, l.get(p).orElseThrow().state());
    }

    /** Attack: a renewal by a key that is not the claim's executor, or for a superseded attempt. */
    @Test
    void renewalsCountOnlyFromTheHolderOfTheCurrentAttempt() {
        Ledger l = ledger(true);
        SignedRecord sub = owner.submit(T0 + 100, spec(2));
        byte[] p = Records.recordId(sub);
        l.apply(sub, now);
        l.apply(voted(ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200), v1, v2), now);
        long t = T0 + 1_000;
        var stolen = Records.open(voted(attacker.renew(t, p, 1, T0 + 20_000), v1, v2));
        assertNotNull(l.renewProblem(stolen, t));
        l.apply(stolen.signed(), now);
        assertEquals(T0 + 10_200, l.get(p).orElseThrow().leaseUntilMs());
        // attempt 1 ends, attempt 2 is claimed: a renewal of attempt 1 is refused
        l.apply(ex.close(T0 + 2_000, p, 1, false, List.of(), List.of("boom")), now);
        assertNull(l.claimProblem(Records.open(ex.claim(T0 + 3_000, p, 2, "ex", "cli", T0 + 13_000)), T0 + 3_000, 1_000));
        l.apply(voted(ex.claim(T0 + 3_000, p, 2, "ex", "cli", T0 + 13_000), v1, v2), now);
        var old = Records.open(voted(ex.renew(T0 + 4_000, p, 1, T0 + 20_000), v1, v2));
        assertNotNull(l.renewProblem(old, T0 + 4_000));
        l.apply(old.signed(), now);
        assertEquals(2, l.get(p).orElseThrow().attempt());
        assertEquals(T0 + 13_000, l.get(p).orElseThrow().leaseUntilMs());
        assertNull(l.renewProblem(Records.open(ex.renew(T0 + 4_000, p, 2, T0 + 20_000)), T0 + 4_000));
        assertNotNull(l.renewProblem(Records.open(ex.renew(T0 + 4_000, p, 2, T0 + 20_000)), T0 + 13_000),
                "expired by the voter's clock");
    }

    @Test
    void aVoterSeesWhetherAClaimWouldTakeEffect() {
        Ledger l = ledger(true);
        SignedRecord sub = owner.submit(T0 + 100, spec(1));
        byte[] p = Records.recordId(sub);
        l.apply(sub, now);
        assertNull(l.claimProblem(Records.open(ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200)), T0 + 200, 1_000));
        assertNotNull(l.claimProblem(Records.open(ex.claim(T0 + 200, p, 2, "ex", "cli", T0 + 10_200)), T0 + 200, 1_000));
        assertNotNull(l.claimProblem(Records.open(ex.claim(T0 + 200, p, 1, "ex", "other", T0 + 10_200)), T0 + 200, 1_000));
        l.apply(voted(ex.claim(T0 + 200, p, 1, "ex", "cli", T0 + 10_200), v1, v2), now);
        var next = Records.open(ex.claim(T0 + 10_500, p, 2, "ex", "cli", T0 + 20_500));
        assertNotNull(l.claimProblem(next, T0 + 10_500, 1_000), "lease + margin not over");
        assertNull(l.claimProblem(next, T0 + 11_200, 1_000), "the lease of attempt 1 ended more than the margin ago");
        assertFalse(l.lastAttemptEndedByExecutor(p));
        assertNotNull(l.claimProblem(Records.open(ex.claim(T0 + 200, new byte[32], 1, "ex", "cli", T0 + 10_200)),
                T0 + 200, 1_000), "unknown process");
    }
}
