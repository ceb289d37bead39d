package io.colony.node.ledger;

import static io.colony.node.ledger.TestColony.T0;
import static io.colony.node.ledger.TestColony.spec;
import static io.colony.protocol.ProcessState.FAILED;
import static io.colony.protocol.ProcessState.RUNNING;
import static io.colony.protocol.ProcessState.SUCCESS;
import static io.colony.protocol.ProcessState.WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessView;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.pb.SignedRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerRulesTest {
    private final TestColony c = new TestColony();
    private final RecordFactory user = c.user("user");
    private final RecordFactory ex1 = c.member("ex1");
    private final RecordFactory ex2 = c.member("ex2");

    private byte[] submit(FunctionSpec spec, long ts) {
        SignedRecord s = user.submit(ts, spec);
        assertEquals(Outcome.Status.ACCEPTED, c.status(s));
        return Records.recordId(s);
    }

    private String lastDetail(byte[] pid) {
        List<io.colony.protocol.ProcessEvent> h = c.view(pid).history();
        return h.get(h.size() - 1).detail();
    }

    @Test
    void submitThenClaimThenSucceed() {
        byte[] p = submit(spec(0), T0 + 100);
        ProcessView v = c.view(p);
        assertEquals(WAITING, v.state());
        assertEquals("echo", v.spec().funcname());
        assertEquals(user.identity().memberId(), v.submitter());
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_200));
        v = c.view(p);
        assertEquals(RUNNING, v.state());
        assertEquals(1, v.attempt());
        assertEquals(ex1.identity().memberId(), v.executorId());
        assertEquals(T0 + 10_200, v.leaseUntilMs());
        c.apply(ex1.close(T0 + 300, p, 1, true, List.of("hi"), List.of()));
        v = c.view(p);
        assertEquals(SUCCESS, v.state());
        assertEquals(List.of("hi"), v.output());
        assertEquals(T0 + 300, v.endedMs());
        assertEquals(1L, c.ledger.counts().get(SUCCESS));
    }

    @Test
    void aClaimInTheSameMillisecondAsTheSubmitFoldsAfterIt() {
        for (int i = 0; i < 20; i++) {
            byte[] p = submit(spec(0), T0 + 100);
            c.apply(ex1.claim(T0 + 100, p, 1, "ex1", "cli", T0 + 5_000));
            assertEquals(RUNNING, c.view(p).state());
        }
    }

    @Test
    void claimRules() {
        byte[] p = submit(FunctionSpec.of("cli", "f").withLimits(0, 0, 1), T0 + 100);
        c.apply(ex1.claim(T0 + 200, p, 2, "ex1", "cli", T0 + 5_000));
        assertTrue(lastDetail(p).contains("claims attempt 2, next is 1"), lastDetail(p));
        c.apply(ex1.claim(T0 + 201, p, 1, "ex1", "gpu", T0 + 5_000));
        assertTrue(lastDetail(p).contains("executor type"));
        c.apply(ex1.claim(T0 + 202, p, 1, "ex1", "cli", T0 + 202 + 300_001));
        assertTrue(lastDetail(p).contains("lease of"));
        c.apply(ex1.claim(T0 + 203, p, 1, "ex1", "cli", T0 + 203));
        assertTrue(lastDetail(p).contains("lease of"));
        assertEquals(WAITING, c.view(p).state());

        byte[] named = submit(new FunctionSpec(null, "f", null, null, null,
                new io.colony.protocol.Conditions("cli", List.of("ex2"), null, null, null, null), 0, 0, 0, 0, null,
                false), T0 + 100);
        c.apply(ex1.claim(T0 + 200, named, 1, "ex1", "cli", T0 + 5_000));
        assertTrue(lastDetail(named).contains("not allowed"));
        c.apply(ex2.claim(T0 + 201, named, 1, "ex2", "cli", T0 + 5_000));
        assertEquals(RUNNING, c.view(named).state());
    }

    @Test
    void concurrentClaimsFirstInFoldOrderWinsWhateverTheArrivalOrder() {
        byte[] p = submit(spec(0), T0 + 100);
        SignedRecord late = ex1.claim(T0 + 300, p, 1, "ex1", "cli", T0 + 5_000);
        SignedRecord early = ex2.claim(T0 + 299, p, 1, "ex2", "cli", T0 + 5_000);
        c.apply(late);
        assertEquals(ex1.identity().memberId(), c.view(p).executorId());
        c.apply(early); // arrives second but sorts first: re-fold
        ProcessView v = c.view(p);
        assertEquals(ex2.identity().memberId(), v.executorId());
        assertTrue(v.history().get(2).ignored());

        byte[] q = submit(spec(0), T0 + 100);
        SignedRecord a = ex1.claim(T0 + 300, q, 1, "ex1", "cli", T0 + 5_000);
        SignedRecord b = ex2.claim(T0 + 300, q, 1, "ex2", "cli", T0 + 5_000);
        byte[] winner = java.util.Arrays.compareUnsigned(Records.recordId(a), Records.recordId(b)) < 0
                ? a.getSigner().toByteArray() : b.getSigner().toByteArray();
        c.apply(b);
        c.apply(a);
        assertEquals(io.colony.protocol.Hex.encode(winner), c.view(q).executorId());
    }

    @Test
    void renewRules() {
        byte[] p = submit(spec(0), T0 + 100);
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex2.renew(T0 + 300, p, 1, T0 + 20_000));
        assertTrue(lastDetail(p).contains("not the executor"));
        c.apply(ex1.renew(T0 + 400, p, 1, T0 + 9_000));
        assertTrue(lastDetail(p).contains("does not extend"));
        c.apply(ex1.renew(T0 + 500, p, 1, T0 + 500 + 300_001));
        assertTrue(lastDetail(p).contains("longer than"));
        c.apply(ex1.renew(T0 + 600, p, 1, T0 + 15_000));
        assertEquals(T0 + 15_000, c.view(p).leaseUntilMs());
        c.apply(ex1.renew(T0 + 15_000, p, 1, T0 + 25_000));
        assertTrue(lastDetail(p).contains("after the lease ended"));
        assertEquals(T0 + 15_000, c.view(p).leaseUntilMs());
    }

    @Test
    void failedAttemptsRetryThenFail() {
        byte[] p = submit(spec(1), T0 + 100);
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex1.close(T0 + 300, p, 1, false, List.of(), List.of("boom")));
        ProcessView v = c.view(p);
        assertEquals(WAITING, v.state());
        assertEquals(List.of("boom"), v.errors());
        c.apply(ex2.claim(T0 + 400, p, 2, "ex2", "cli", T0 + 10_000));
        assertEquals(RUNNING, c.view(p).state());
        c.apply(ex2.close(T0 + 500, p, 2, false, List.of(), List.of("boom2")));
        v = c.view(p);
        assertEquals(FAILED, v.state());
        assertEquals(List.of("boom", "boom2"), v.errors());
        c.apply(ex1.claim(T0 + 600, p, 3, "ex1", "cli", T0 + 10_000));
        assertTrue(lastDetail(p).contains("already FAILED"));
    }

    @Test
    void lateCloseIsIgnoredAndGraceIsHonoured() {
        byte[] p = submit(spec(0), T0 + 100);
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex1.close(T0 + 10_000 + 2_001, p, 1, true, List.of(), List.of()));
        assertTrue(lastDetail(p).contains("after the lease ended"));
        c.apply(ex1.close(T0 + 10_000 + 2_000, p, 1, true, List.of(), List.of()));
        assertEquals(SUCCESS, c.view(p).state());
    }

    @Test
    void fencingSupersededAttemptIsNoOp() {
        byte[] p = submit(spec(2), T0 + 100);
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_000));
        c.apply(c.owner.fail(T0 + 12_000, p, 1, "lease expired", false));
        c.apply(ex2.claim(T0 + 12_100, p, 2, "ex2", "cli", T0 + 22_000));
        c.apply(ex1.renew(T0 + 12_200, p, 1, T0 + 30_000));
        assertTrue(lastDetail(p).contains("attempt 1 is not the current attempt 2"));
        c.apply(ex1.close(T0 + 12_300, p, 1, true, List.of("stale"), List.of()));
        ProcessView v = c.view(p);
        assertEquals(RUNNING, v.state());
        assertEquals(2, v.attempt());
        assertEquals(ex2.identity().memberId(), v.executorId());
        c.apply(ex2.close(T0 + 12_400, p, 2, true, List.of("fresh"), List.of()));
        assertEquals(List.of("fresh"), c.view(p).output());
    }

    @Test
    void failNeedsTheTimeoutToHavePassed() {
        byte[] p = submit(spec(0), T0 + 100);
        c.apply(ex2.fail(T0 + 150, p, 0, "impatient", true));
        assertTrue(lastDetail(p).contains("maxwaittime has not passed"));
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex2.fail(T0 + 11_999, p, 1, "too early", false));
        assertTrue(lastDetail(p).contains("lease still valid"));
        c.apply(ex2.fail(T0 + 12_000, p, 1, "lease expired", false));
        assertEquals(FAILED, c.view(p).state());
        assertEquals(List.of("lease expired"), c.view(p).errors());
    }

    @Test
    void tickProposesTimeouts() {
        byte[] waiting = submit(FunctionSpec.of("cli", "f").withLimits(5, 0, 0), T0 + 100);
        byte[] lease = submit(spec(1), T0 + 100);
        byte[] exec = submit(FunctionSpec.of("cli", "f").withLimits(0, 30, 0), T0 + 100);
        c.apply(ex1.claim(T0 + 200, lease, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex1.claim(T0 + 200, exec, 1, "ex1", "cli", T0 + 200_000));
        assertEquals(0, c.ledger.tick(T0 + 5_000).size());
        List<io.colony.protocol.pb.Record> due = c.ledger.tick(T0 + 12_000);
        assertEquals(2, due.size(), due.toString()); // maxwaittime and lease expiry
        c.now = T0 + 12_000;
        due.forEach(r -> c.apply(c.owner.sign(r)));
        assertEquals(FAILED, c.view(waiting).state());
        assertEquals(WAITING, c.view(lease).state()); // one retry left
        assertEquals(RUNNING, c.view(exec).state());
        assertEquals(0, c.ledger.tick(T0 + 200 + 30_000 + 1_999).size());
        due = c.ledger.tick(T0 + 200 + 30_000 + 2_000);
        assertEquals(1, due.size());
        assertTrue(due.get(0).getFail().getReason().contains("maxexectime"));
        c.apply(c.owner.sign(due.get(0)));
        assertEquals(FAILED, c.view(exec).state());
    }

    @Test
    void cancelBySubmitterOrOwnerOnly() {
        byte[] p = submit(spec(0), T0 + 100);
        c.apply(ex1.cancel(T0 + 200, p, "mine now")); // a node's key may not cancel (roles)
        assertEquals(WAITING, c.view(p).state());
        RecordFactory other = c.user("other");
        c.apply(other.cancel(T0 + 250, p, "mine now"));
        assertTrue(lastDetail(p).contains("only the submitter"));
        c.apply(user.cancel(T0 + 300, p, "changed my mind"));
        ProcessView v = c.view(p);
        assertEquals(FAILED, v.state());
        assertEquals(List.of("cancelled: changed my mind"), v.errors());
        byte[] q = submit(spec(0), T0 + 100);
        c.apply(ex1.claim(T0 + 200, q, 1, "ex1", "cli", T0 + 10_000));
        c.apply(c.owner.cancel(T0 + 300, q, "owner says"));
        assertEquals(FAILED, c.view(q).state());
        c.apply(ex1.close(T0 + 400, q, 1, true, List.of(), List.of()));
        assertEquals(FAILED, c.view(q).state());
    }

    @Test
    void duplicatesAreIdempotent() {
        SignedRecord s = user.submit(T0 + 100, spec(0));
        assertEquals(Outcome.Status.ACCEPTED, c.status(s));
        assertEquals(Outcome.Status.DUPLICATE, c.status(s));
        byte[] p = Records.recordId(s);
        SignedRecord claim = ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_000);
        c.apply(claim);
        assertEquals(Outcome.Status.DUPLICATE, c.status(claim));
        assertEquals(2, c.view(p).history().size());
    }

    @Test
    void claimableOrder() {
        byte[] low = submit(spec(0).withPriority(1), T0 + 100);
        byte[] highLate = submit(spec(0).withPriority(5), T0 + 300);
        byte[] highEarly = submit(spec(0).withPriority(5), T0 + 200);
        byte[] other = submit(FunctionSpec.of("gpu", "f"), T0 + 50);
        List<ProcessSummary> order = c.ledger.claimable("cli", "ex1", c.now);
        assertEquals(List.of(io.colony.protocol.Hex.encode(highEarly), io.colony.protocol.Hex.encode(highLate),
                io.colony.protocol.Hex.encode(low)), order.stream().map(ProcessSummary::processIdText).toList());
        assertEquals(1, c.ledger.claimable("gpu", "ex1", c.now).size());
        assertEquals(1, c.ledger.claimable("cli", "ex1", c.now, 1).size());
        c.apply(ex1.claim(T0 + 400, highEarly, 1, "ex1", "cli", T0 + 10_000));
        assertEquals(2, c.ledger.claimable("cli", "ex1", c.now).size());
        assertTrue(other.length == 32);
    }

    @Test
    void workflowDependencies() {
        FunctionSpec a = FunctionSpec.of("cli", "a").inWorkflow("a", List.of());
        FunctionSpec b = FunctionSpec.of("cli", "b").inWorkflow("b", List.of("a"));
        SignedRecord w = user.workflow(T0 + 100, List.of(a, b));
        assertEquals(Outcome.Status.ACCEPTED, c.status(w));
        var d = Records.open(w);
        byte[] pa = d.processIds().get(0);
        byte[] pb = d.processIds().get(1);
        assertEquals(1, c.ledger.claimable("cli", "ex1", c.now).size());
        // a claim of b that arrives before a succeeded is ignored, then becomes valid once a's close arrives
        c.apply(ex2.claim(T0 + 500, pb, 1, "ex2", "cli", T0 + 10_000));
        assertEquals(WAITING, c.view(pb).state());
        c.apply(ex1.claim(T0 + 200, pa, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex1.close(T0 + 400, pa, 1, true, List.of(), List.of()));
        assertEquals(SUCCESS, c.view(pa).state());
        assertEquals(RUNNING, c.view(pb).state());
        assertEquals(io.colony.protocol.Hex.encode(d.id()), c.view(pb).workflowId());
    }

    @Test
    void claimsMustOfferTheRequiredResources() {
        FunctionSpec big = SpecCodec.parse("""
                {"funcname":"train","conditions":{"executortype":"cli","cpu":"2","memory":"1Gi","gpu":"1"}}""");
        byte[] p = submit(big, T0 + 100);
        assertEquals(0, c.ledger.claimable("cli", "ex1", Resources.NONE, c.now, 10).size());
        assertEquals(0, c.ledger.claimable("cli", "ex1", new Resources(2000, 1024, 0), c.now, 10).size());
        assertEquals(1, c.ledger.claimable("cli", "ex1", new Resources(4000, 2048, 1), c.now, 10).size());
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 5_000));
        assertTrue(lastDetail(p).contains("lacks the required"), lastDetail(p));
        c.apply(ex1.sign(Records.claim(c.colony, T0 + 201, p, 1, "ex1", "cli", T0 + 5_000, 1999, 4096, 1)));
        assertTrue(lastDetail(p).contains("lacks the required"), lastDetail(p));
        c.apply(ex1.sign(Records.claim(c.colony, T0 + 202, p, 1, "ex1", "cli", T0 + 5_000, 2000, 1024, 1)));
        assertEquals(RUNNING, c.view(p).state());
    }

    @Test
    void aFailedParentFailsItsDescendants() {
        FunctionSpec a = FunctionSpec.of("cli", "a").inWorkflow("a", List.of());
        FunctionSpec b = FunctionSpec.of("cli", "b").inWorkflow("b", List.of("a"));
        FunctionSpec d = FunctionSpec.of("cli", "d").inWorkflow("d", List.of("b"));
        var w = Records.open(user.workflow(T0 + 100, List.of(a, b, d)));
        c.apply(w.signed());
        byte[] pa = w.processIds().get(0);
        c.apply(ex1.claim(T0 + 200, pa, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex1.close(T0 + 300, pa, 1, false, List.of(), List.of("broken")));
        for (byte[] pid : w.processIds()) {
            assertEquals(FAILED, c.view(pid).state());
        }
        assertTrue(c.view(w.processIds().get(2)).errors().get(0).contains("dependency"));
        assertEquals(0, c.ledger.claimable("cli", "ex1", c.now).size());
    }

    @Test
    void logsOnlyFromTheAttemptsExecutorAndCapped() {
        byte[] p = submit(spec(0), T0 + 100);
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 10_000));
        c.apply(ex1.log(T0 + 300, p, 1, 0, List.of("one", "two")));
        c.apply(ex2.log(T0 + 301, p, 1, 0, List.of("intruder")));
        assertEquals(List.of("one", "two"), c.ledger.logs(p).lines());
        for (int i = 0; i < 12; i++) {
            List<String> lines = java.util.Collections.nCopies(1000, "line " + i);
            assertEquals(Outcome.Status.ACCEPTED, c.status(ex1.log(T0 + 400 + i, p, 1, i + 1, lines)));
        }
        LogView logs = c.ledger.logs(p);
        assertTrue(logs.lines().size() <= 10_000, "kept " + logs.lines().size());
        assertTrue(logs.droppedLines() > 0);
        assertEquals("line 11", logs.lines().get(logs.lines().size() - 1));
        assertEquals(Outcome.Status.REFUSED, c.status(ex1.log(T0 + 300, p, 1, 99, List.of("too old"))));
    }

    @Test
    void recordsPerProcessAreCapped() {
        byte[] p = submit(spec(0), T0 + 100);
        c.apply(ex1.claim(T0 + 200, p, 1, "ex1", "cli", T0 + 300_000));
        for (int i = 0; i < 600; i++) { // renewals are counted apart
            assertEquals(Outcome.Status.ACCEPTED, c.status(ex1.renew(T0 + 300 + i, p, 1, T0 + 300_000 + i + 1)));
        }
        Outcome last = null;
        for (int i = 0; i < 520; i++) {
            last = c.apply(ex2.fail(T0 + 1_000 + i, p, 1, "no-op " + i, false));
        }
        assertEquals(Outcome.Status.REFUSED, last.status());
        assertTrue(last.reason().contains("512"));
    }
}
