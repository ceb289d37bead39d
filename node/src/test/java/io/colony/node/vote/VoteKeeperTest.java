package io.colony.node.vote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoteKeeperTest {
    private static final long T0 = 1_700_000_000_000L;
    private final Identity ownerId = Identity.generate();
    private final byte[] colony = ownerId.publicKey();
    private final RecordFactory owner = new RecordFactory(ownerId, colony);
    private final Identity voter = Identity.generate();
    private final RecordFactory a = new RecordFactory(Identity.generate(), colony);
    private final RecordFactory b = new RecordFactory(Identity.generate(), colony);
    private final Ledger ledger = new Ledger(colony, LedgerConfig.defaults().withRequireVotes(true), new MemoryRecordStore());
    private byte[] pid;

    @TempDir
    Path dir;

    private void colony() {
        ledger.apply(owner.admit(T0, voter.publicKey(), Role.NODE, "v", 0, true), T0);
        ledger.apply(owner.admit(T0, a.identity().publicKey(), Role.NODE, "a", 0), T0);
        ledger.apply(owner.admit(T0, b.identity().publicKey(), Role.NODE, "b", 0), T0);
        SignedRecord sub = owner.submit(T0 + 10, FunctionSpec.of("cli", "echo", "hi").withLimits(0, 0, 0));
        pid = Records.recordId(sub);
        ledger.apply(sub, T0 + 10);
    }

    /** Attack: two claims of one attempt; the voter grants one only, also after a restart. */
    @Test
    void oneClaimPerAttemptAlsoAfterRestart() throws Exception {
        colony();
        Path file = dir.resolve("votes");
        SignedRecord ca = a.claim(T0 + 100, pid, 1, "a", "cli", T0 + 10_100);
        SignedRecord cb = b.claim(T0 + 100, pid, 1, "b", "cli", T0 + 10_100);
        try (JournalVoteTable t = JournalVoteTable.open(file)) {
            VoteKeeper k = new VoteKeeper(voter, ledger, t);
            assertTrue(k.answer(ca, T0 + 100).granted());
            assertTrue(k.answer(ca, T0 + 150).granted(), "the same claim again");
            assertFalse(k.answer(cb, T0 + 150).granted());
        }
        Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND); // a torn tail
        try (JournalVoteTable t = JournalVoteTable.open(file)) {
            assertEquals(1, t.size());
            VoteKeeper k = new VoteKeeper(voter, ledger, t);
            assertFalse(k.answer(cb, T0 + 200).granted(), "remembered across the restart");
        }
    }

    @Test
    void backDatedOrForeignOrNonClaimsGetNoVote() {
        colony();
        VoteKeeper k = new VoteKeeper(voter, ledger, new MemoryVoteTable());
        assertFalse(k.answer(a.claim(T0 + 100, pid, 1, "a", "cli", T0 + 10_100), T0 + 5_000).granted(), "back-dated");
        assertFalse(k.answer(a.submit(T0 + 100, FunctionSpec.of("cli", "echo")), T0 + 100).granted());
        VoteKeeper notVoter = new VoteKeeper(a.identity(), ledger, new MemoryVoteTable());
        assertFalse(notVoter.answer(a.claim(T0 + 100, pid, 1, "a", "cli", T0 + 10_100), T0 + 100).granted());
    }

    @Test
    void aSplitVoteExpiresAfterTheLeaseAndGrace() {
        colony();
        VoteKeeper k = new VoteKeeper(voter, ledger, new MemoryVoteTable());
        assertTrue(k.answer(a.claim(T0 + 100, pid, 1, "a", "cli", T0 + 10_100), T0 + 100).granted());
        long later = T0 + 10_100 + 2_001 + VoteKeeper.MAX_CLOCK_SKEW_MS;
        assertTrue(k.answer(b.claim(later, pid, 1, "b", "cli", later + 10_000), later).granted());
    }

    @Test
    void tallyCertifiesOnAMajorityAndRefusesWhenOutOfReach() {
        colony();
        SignedRecord c = a.claim(T0 + 100, pid, 1, "a", "cli", T0 + 10_100);
        Identity v2 = Identity.generate();
        Identity v3 = Identity.generate();
        VoteTally t = new VoteTally(c, List.of(voter.publicKey(), v2.publicKey(), v3.publicKey()));
        VoteKeeper k = new VoteKeeper(voter, ledger, new MemoryVoteTable());
        assertEquals(VoteTally.Status.PENDING, t.add(voter.publicKey(), k.answer(c, T0 + 100)));
        assertEquals(VoteTally.Status.PENDING, t.add(voter.publicKey(), k.answer(c, T0 + 100)), "repeated");
        assertEquals(VoteTally.Status.PENDING, t.add(Identity.generate().publicKey(),
                VoteAnswer.granted(io.colony.protocol.Votes.sign(voter, Records.recordId(c)))), "not a voter");
        assertEquals(VoteTally.Status.PENDING, t.add(v2.publicKey(),
                VoteAnswer.granted(io.colony.protocol.Votes.sign(voter, Records.recordId(c)))), "v2 sends v1's vote");
        assertEquals(VoteTally.Status.REFUSED, t.add(v3.publicKey(), VoteAnswer.refused("no")));
        VoteTally t2 = new VoteTally(c, List.of(voter.publicKey()));
        assertEquals(VoteTally.Status.CERTIFIED, t2.add(voter.publicKey(), k.answer(c, T0 + 100)));
        assertEquals("RUNNING", ledger.apply(t2.certificate(), T0 + 100).changes().get(0).to().name());
    }
}
