package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static io.colony.protocol.ProcessState.FAILED;
import static io.colony.protocol.ProcessState.RUNNING;
import static io.colony.protocol.ProcessState.SUCCESS;
import static io.colony.protocol.ProcessState.WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A Fail "released" by the running attempt's executor hands the process back without using a retry. */
class LedgerReleaseTest {
    private final TestColony c = new TestColony();
    private final RecordFactory user = c.user("user");
    private final RecordFactory ex1 = c.member("ex1");
    private final RecordFactory ex2 = c.member("ex2");

    private byte[] submit(int retries) {
        SignedRecord s = user.submit(T0 + 100, spec(retries));
        c.apply(s);
        return Records.recordId(s);
    }

    private String lastDetail(byte[] pid) {
        List<io.colony.protocol.ProcessEvent> h = c.view(pid).history();
        return h.get(h.size() - 1).detail();
    }

    @Test
    void releaseReturnsToWaitingWithoutUsingARetry() {
        byte[] p = submit(0); // no retries at all
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_200));
        c.apply(ex1.fail(T0 + 300, p, 1, Fold.RELEASE_REASON, false));
        ProcessView v = c.view(p);
        assertEquals(WAITING, v.state());
        assertTrue(lastDetail(p).contains("no retry used"), lastDetail(p));
        assertTrue(v.errors().isEmpty(), v.errors().toString());
        // another executor takes attempt 2 at once and may still fail it like a first attempt
        c.apply(ex2.claim(T0 + 400, p, 2, "ex2", "cli", T0 + 10_400));
        assertEquals(RUNNING, c.view(p).state());
        c.apply(ex2.close(T0 + 500, p, 2, false, List.of(), List.of("boom")));
        assertEquals(FAILED, c.view(p).state()); // maxretries 0: the real failure is final
    }

    @Test
    void onlyTheHolderMayReleaseAndOnlyWhileItsLeaseHolds() {
        byte[] p = submit(0);
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_200));
        c.apply(ex2.fail(T0 + 300, p, 1, Fold.RELEASE_REASON, false));
        assertEquals(RUNNING, c.view(p).state());
        assertTrue(lastDetail(p).startsWith("ignored"), lastDetail(p));
        c.apply(user.fail(T0 + 301, p, 1, Fold.RELEASE_REASON, false));
        assertEquals(RUNNING, c.view(p).state());
        // the holder's fail with another reason is no release (lease still valid: ignored)
        c.apply(ex1.fail(T0 + 302, p, 1, "other", false));
        assertEquals(RUNNING, c.view(p).state());
        // a release after lease + grace is an ordinary expiry fail: it uses the only attempt
        c.apply(ex1.fail(T0 + 200_000, p, 1, Fold.RELEASE_REASON, false));
        assertEquals(FAILED, c.view(p).state());
    }

    @Test
    void releasesAreFreeOnlyUpToTheBound() {
        byte[] p = submit(0);
        long ts = T0 + 200;
        for (int attempt = 1; attempt <= Fold.MAX_FREE_RELEASES + 1; attempt++) {
            c.apply(ex1.claim(ts++, p, attempt, "ex1", "cli", ts + 10_000));
            assertEquals(RUNNING, c.view(p).state(), "attempt " + attempt);
            c.apply(ex1.fail(ts++, p, attempt, Fold.RELEASE_REASON, false));
        }
        assertEquals(FAILED, c.view(p).state());
        assertTrue(lastDetail(p).contains("counted as failed"), lastDetail(p));
    }

    @Test
    void sameStateWhateverTheArrivalOrder() {
        List<SignedRecord> records = new ArrayList<>();
        SignedRecord submit = user.submit(T0 + 100, spec(1));
        byte[] p = Records.recordId(submit);
        records.add(submit);
        records.add(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_200));
        records.add(ex1.fail(T0 + 300, p, 1, Fold.RELEASE_REASON, false));
        records.add(ex2.claim(T0 + 400, p, 2, "ex2", "cli", T0 + 10_400));
        records.add(ex2.close(T0 + 500, p, 2, false, List.of(), List.of("first real failure")));
        records.add(ex1.claim(T0 + 600, p, 3, "ex1", "cli", T0 + 10_600));
        records.add(ex1.close(T0 + 700, p, 3, true, List.of("done"), List.of()));
        Random rnd = new Random(7);
        for (int round = 0; round < 10; round++) {
            TestColony fresh = new TestColony(c.ownerId, new MemoryRecordStore());
            for (RecordFactory m : List.of(user, ex1, ex2)) {
                fresh.apply(c.owner.admit(T0, m.identity().publicKey(), Role.NODE, "m", 0));
            }
            List<SignedRecord> shuffled = new ArrayList<>(records);
            Collections.shuffle(shuffled, rnd);
            shuffled.forEach(fresh::apply);
            ProcessView v = fresh.view(p);
            assertEquals(SUCCESS, v.state(), "round " + round);
            assertEquals(3, v.attempt());
        }
    }
}
