package io.colony.node.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseManagerTest {
    private static final long T0 = 1_700_000_000_000L;
    private final Identity ownerId = Identity.generate();
    private final byte[] colony = ownerId.publicKey();
    private final RecordFactory owner = new RecordFactory(ownerId, colony);
    private final Identity exId = Identity.generate();
    private final RecordFactory ex = new RecordFactory(exId, colony);
    private final Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), new MemoryRecordStore());
    private long now = T0;
    private boolean publishRenewals = true;
    private final List<LeaseAction> seen = new ArrayList<>();

    LeaseManagerTest() {
        ledger.apply(owner.admit(T0 - 1000, exId.publicKey(), Role.NODE, "ex", 0), now);
    }

    private LeaseManager manager(int capacity, LeaseConfig config) {
        return new LeaseManager(colony, exId.publicKey(), "ex", "cli", capacity, config);
    }

    private byte[] submit(FunctionSpec spec) {
        SignedRecord s = owner.submit(now, spec);
        ledger.apply(s, now);
        return Records.recordId(s);
    }

    /** One turn of a single node: poll, sign and apply what the lease logic asks for, poll again. */
    private List<LeaseAction> turn(LeaseManager m) {
        List<LeaseAction> out = new ArrayList<>();
        List<LeaseAction> actions = m.poll(ledger, now);
        for (int round = 0; round < 2; round++) {
            boolean signed = false;
            for (LeaseAction a : actions) {
                out.add(a);
                if (a instanceof LeaseAction.Sign s && (publishRenewals || !s.body().hasRenew())) {
                    ledger.apply(ex.sign(s.body()), now);
                    signed = true;
                }
            }
            if (!signed) {
                break;
            }
            actions = m.poll(ledger, now);
        }
        seen.addAll(out);
        return out;
    }

    private static long count(List<LeaseAction> actions, Class<?> type) {
        return actions.stream().filter(type::isInstance).count();
    }

    @Test
    void withClaimChecksAnAttemptStartsOnlyOnceThePeersAnsweredOrTheWaitRanOut() {
        LeaseConfig checked = LeaseConfig.of(10_000, 1_000).withClaimCheck(5_000);
        byte[] a = submit(FunctionSpec.of("cli", "a"));
        LeaseManager m = manager(1, checked);
        assertEquals(1, count(turn(m), LeaseAction.Sign.class));
        now += 1_000; // settled, but no answer yet
        assertEquals(0, count(turn(m), LeaseAction.Start.class));
        m.claimChecked(a, 2); // another attempt's answer does not count
        assertEquals(0, count(turn(m), LeaseAction.Start.class));
        m.claimChecked(a, 1);
        assertEquals(1, count(turn(m), LeaseAction.Start.class));

        // no answer at all: it starts when the wait ran out
        byte[] b = submit(FunctionSpec.of("cli", "b"));
        LeaseManager n = manager(1, checked);
        turn(n);
        now += 4_999;
        assertEquals(0, count(turn(n), LeaseAction.Start.class));
        now += 1;
        List<LeaseAction> started = turn(n);
        assertEquals(1, count(started, LeaseAction.Start.class));
        assertTrue(started.stream().anyMatch(x -> x instanceof LeaseAction.Start st
                && java.util.Arrays.equals(st.processId(), b)));
    }

    @Test
    void claimsUpToCapacityStartsRenewsAndCloses() {
        byte[] a = submit(FunctionSpec.of("cli", "a"));
        now++;
        submit(FunctionSpec.of("cli", "b"));
        now++; // c waits longest-last, so a and b are claimed first
        submit(FunctionSpec.of("cli", "c"));
        LeaseManager m = manager(2, LeaseConfig.defaults());
        List<LeaseAction> first = turn(m);
        assertEquals(2, count(first, LeaseAction.Start.class));
        assertEquals(2, m.active());
        assertEquals(2L, ledger.counts().get(ProcessState.RUNNING));
        for (int i = 0; i < 30; i++) { // a minute of renewals
            now += 2_000;
            assertEquals(0, count(turn(m), LeaseAction.Stop.class));
        }
        assertTrue(count(seen, LeaseAction.Sign.class) >= 2 + 2 * 15, "renewals: " + seen.size());
        assertTrue(ledger.summary(a).orElseThrow().leaseUntilMs() > now);
        List<LeaseAction> close = m.finished(a, true, List.of("ok"), List.of(), now);
        ledger.apply(ex.sign(((LeaseAction.Sign) close.get(0)).body()), now);
        assertEquals(ProcessState.SUCCESS, ledger.summary(a).orElseThrow().state());
        List<LeaseAction> next = turn(m);
        assertEquals(1, count(next, LeaseAction.Start.class)); // the third process
    }

    @Test
    void settleDelayPostponesTheStart() {
        submit(FunctionSpec.of("cli", "a"));
        LeaseManager m = manager(1, LeaseConfig.of(10_000, 500));
        List<LeaseAction> t = turn(m);
        assertEquals(1, count(t, LeaseAction.Sign.class));
        assertEquals(0, count(t, LeaseAction.Start.class));
        now += 499;
        assertEquals(0, count(turn(m), LeaseAction.Start.class));
        now += 1;
        assertEquals(1, count(turn(m), LeaseAction.Start.class));
    }

    /** A `sleep 1.5` with maxexectime 2 after a 1 s settle delay is not stopped after 1 s of running. */
    @Test
    void maxExecTimeCountsFromTheProgramsStartNotFromTheClaim() {
        byte[] p = submit(FunctionSpec.of("cli", "sleep", "1.5").withLimits(0, 2, 0));
        LeaseManager m = manager(1, LeaseConfig.of(10_000, 1_000));
        turn(m);
        now += 1_000;
        assertEquals(1, count(turn(m), LeaseAction.Start.class));
        long started = now;
        while (now < started + 1_990) {
            now += 10;
            assertEquals(0, count(turn(m), LeaseAction.Stop.class), "stopped " + (now - started) + " ms after start");
        }
        assertEquals(1, m.finished(p, true, List.of("done"), List.of(), now).size(), "its close is signed");
    }

    @Test
    void aLostClaimRaceNeverStarts() {
        Identity otherId = Identity.generate();
        RecordFactory other = new RecordFactory(otherId, colony);
        ledger.apply(owner.admit(T0 - 1000, otherId.publicKey(), Role.NODE, "other", 0), now);
        byte[] p = submit(FunctionSpec.of("cli", "a"));
        LeaseManager m = manager(1, LeaseConfig.of(10_000, 200));
        now += 10;
        List<LeaseAction> t = m.poll(ledger, now);
        ledger.apply(ex.sign(((LeaseAction.Sign) t.get(0)).body()), now);
        // the other executor's claim has an earlier timestamp: it wins on every node
        ledger.apply(other.claim(now - 5, p, 1, "other", "cli", now + 10_000), now);
        now += 200;
        List<LeaseAction> after = turn(m);
        assertEquals(0, count(after, LeaseAction.Start.class));
        assertEquals(0, m.active());
    }

    @Test
    void unconfirmedRenewalsStopTheProcessBeforeOthersMayClaim() {
        byte[] p = submit(FunctionSpec.of("cli", "a"));
        LeaseConfig cfg = LeaseConfig.defaults();
        LeaseManager m = manager(1, cfg);
        turn(m);
        long leaseUntil = ledger.summary(p).orElseThrow().leaseUntilMs();
        publishRenewals = false; // renewals never reach the ledger
        LeaseAction.Stop stop = null;
        while (stop == null) {
            now += 100;
            for (LeaseAction a : turn(m)) {
                if (a instanceof LeaseAction.Stop s) {
                    stop = s;
                }
            }
        }
        assertEquals("lease renewals not confirmed", stop.reason());
        assertTrue(now >= leaseUntil - cfg.safetyMarginMs() && now < leaseUntil - cfg.safetyMarginMs() + 100,
                "stopped at " + (now - leaseUntil));
        // others may only declare the lease expired at leaseUntil + grace
        assertTrue(ledger.tick(now).isEmpty());
        assertEquals(1, ledger.tick(leaseUntil + LedgerConfig.defaults().graceMs()).size());
    }

    @Test
    void explicitConfirmationsKeepItRunningWithoutLedgerConfirmation() {
        byte[] p = submit(FunctionSpec.of("cli", "a"));
        LeaseManager m = manager(1, new LeaseConfig(10_000, 0, 3_000, 1_000, 10_000, false));
        turn(m);
        for (int i = 0; i < 10; i++) {
            now += 3_000;
            for (LeaseAction a : turn(m)) {
                if (a instanceof LeaseAction.Sign s && s.body().hasRenew()) {
                    m.renewalConfirmed(p, 1, s.body().getRenew().getLeaseUntilMs());
                }
            }
        }
        assertEquals(0, count(seen, LeaseAction.Stop.class));
        assertEquals(1, m.active());
    }

    @Test
    void cancelFailureAndMaxExecTimeStopTheProcess() {
        byte[] c = submit(FunctionSpec.of("cli", "cancelled"));
        LeaseManager m = manager(1, LeaseConfig.defaults());
        turn(m);
        ledger.apply(owner.cancel(now + 1, c, "stop it"), now + 1);
        now += 2;
        List<LeaseAction> t = turn(m);
        assertEquals("process failed or was cancelled", ((LeaseAction.Stop) t.get(0)).reason());
        assertTrue(m.finished(c, true, List.of(), List.of(), now).isEmpty(), "no close after a stop");

        byte[] e = submit(FunctionSpec.of("cli", "slow").withLimits(0, 5, 0));
        turn(m);
        assertEquals(ProcessState.RUNNING, ledger.summary(e).orElseThrow().state());
        LeaseAction.Stop stop = null;
        long started = now;
        while (stop == null) {
            now += 250;
            for (LeaseAction a : turn(m)) {
                if (a instanceof LeaseAction.Stop s) {
                    stop = s;
                }
            }
        }
        assertEquals("maxexectime exceeded", stop.reason());
        // counted from the program's start on this executor's clock (here: the turn that claimed it)
        assertTrue(now >= started + 5_000 && now < started + 5_250, "at " + now);
    }

    @Test
    void anExpiredLeaseInTheLedgerStopsTheProcess() {
        byte[] p = submit(FunctionSpec.of("cli", "a").withLimits(0, 0, 1));
        LeaseManager m = manager(1, LeaseConfig.defaults());
        turn(m);
        long until = ledger.summary(p).orElseThrow().leaseUntilMs();
        // another node's clock runs ahead and declares the lease expired
        ledger.apply(owner.fail(until + 2_000, p, 1, "lease expired", false), until + 2_000);
        List<LeaseAction> t = m.poll(ledger, now + 1);
        assertEquals("lease expired", ((LeaseAction.Stop) t.get(0)).reason());
    }

    @Test
    void spreadClaimsWaitForTheirTurnWhichDiffersPerProcess() {
        LeaseManager m = manager(1, LeaseConfig.defaults().withClaimSpread(500));
        byte[] p = submit(FunctionSpec.of("cli", "a"));
        long delay = m.claimDelay(p);
        assertTrue(delay >= 0 && delay < 500, "delay " + delay);
        now += delay - 1;
        if (delay > 0) {
            assertEquals(0, count(turn(m), LeaseAction.Sign.class), "not before its turn");
        }
        now += 1;
        assertEquals(1, count(turn(m), LeaseAction.Sign.class), "claims at its turn");
        // turns are a hash of executor and process: over many processes they cover the window
        java.util.Set<Long> delays = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            delays.add(m.claimDelay(Records.sha256(new byte[] {(byte) i})) / 100);
        }
        assertEquals(5, delays.size(), "every 100 ms slice of the window is used: " + delays);
        assertEquals(0, manager(1, LeaseConfig.defaults()).claimDelay(p), "no spreading by default");
    }
}
