package io.colony.node.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.RecordFactory;
import io.colony.protocol.Records;
import io.colony.protocol.pb.SignedRecord;
import org.junit.jupiter.api.Test;

/** Time limits signed by a misbehaving member never overflow the fold. */
class LedgerTimeLimitsTest {

    private final TestColony c = new TestColony();

    @Test
    void overflowingLimitsSignedByAMemberAreRefusedAndNothingFailsAtOnce() {
        RecordFactory member = c.member("m");
        long huge = Long.MAX_VALUE / 1000;
        for (FunctionSpec spec : new FunctionSpec[] {
                FunctionSpec.of("cli", "sleep", "1").withLimits(huge, 0, 0),
                FunctionSpec.of("cli", "sleep", "1").withLimits(0, huge, 0),
                FunctionSpec.of("cli", "sleep", "1").withLimits(Long.MAX_VALUE, Long.MAX_VALUE, 0)}) {
            SignedRecord r = member.submit(c.now, spec); // the factory does not validate: a hostile client
            Outcome o = c.apply(r);
            assertEquals(Outcome.Status.REFUSED, o.status(), o.toString());
            assertTrue(o.reason().contains("maxwaittime") || o.reason().contains("maxexectime"), o.reason());
        }
        assertEquals(0, c.ledger.size());
        assertTrue(c.ledger.tick(c.now + 1).isEmpty());
    }

    @Test
    void theLongestAllowedLimitsWaitAndRun() {
        RecordFactory member = c.member("m");
        long max = io.colony.protocol.SpecCodec.MAX_TIME_LIMIT_SECONDS;
        SignedRecord r = member.submit(c.now, FunctionSpec.of("cli", "sleep", "1").withLimits(max, max, 0));
        assertEquals(Outcome.Status.ACCEPTED, c.status(r));
        byte[] pid = Records.open(r).processIds().get(0);
        assertTrue(c.ledger.tick(c.now + 1000).isEmpty(), "nothing is due a second later");
        assertEquals(ProcessState.WAITING, c.view(pid).state());
        assertEquals(1, c.ledger.claimable("cli", "e", c.now + 1000).size());
        assertTrue(c.ledger.tick(c.now + max * 1000 + 1).stream().anyMatch(f -> f.hasFail()), "the wait ends after 30 days");
    }
}
