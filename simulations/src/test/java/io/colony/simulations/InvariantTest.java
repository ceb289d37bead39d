package io.colony.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checker catches a broken configuration and reports it with the seed and the trace. */
class InvariantTest {

    private static final SimConfig NO_SETTLE = SimConfig.defaults().withNodes(10, 8).withProcesses(20)
            .withDuration(30_000).withLinks(200, 50, 0).withExecution(3_000, 10, 6_000, 0);

    @Test
    void noSettleDelayLetsTwoExecutorsRunOneProcess() {
        // bare claims without a settle delay: every executor that sees a WAITING process starts it
        // before the competing claims arrive: two live leases without any partition
        SimConfig c = NO_SETTLE;
        SimReport r = new Simulation(c).withBareClaims().run();
        assertFalse(r.ok());
        Violation v = r.violations().get(0);
        assertEquals("single live lease", v.invariant());
        assertEquals(c.seed(), v.seed());
        assertFalse(v.trace().isEmpty(), "the trace leading to it");
        assertTrue(v.trace().get(v.trace().size() - 1).contains("VIOLATION"), v.trace().toString());
        assertTrue(r.format().contains("VIOLATION single live lease"), r.format());
        // no partition: the overlaps are counted with the cause the simulation saw, none is excused
        assertEquals(r.doubleExecutions(), r.violations().size(), r::format);
        assertTrue(r.overlaps().stream().noneMatch(d -> d.cause() == DoubleExecution.Cause.PARTITION), r::format);
        assertTrue(v.detail().startsWith(r.overlaps().get(0).explanation()), v.detail());
    }

    @Test
    void theNodesClaimRulesKeepOneLiveLeaseEvenWithoutASettleDelay() {
        SimReport r = new Simulation(NO_SETTLE).run();
        assertTrue(r.ok(), r::format);
        assertEquals(0, r.doubleExecutions());
        assertEquals(r.submitted(), r.succeeded());
    }

    @Test
    void commandLineExitsNonZeroOnAViolation() {
        assertEquals(1, SimulationMain.execute("--nodes", "10", "--executors", "8", "--processes", "10",
                "--duration", "20s", "--latency", "200ms", "--settle", "0", "--run-mean", "3s", "--lease", "6s",
                "--bare-claims"));
        assertEquals(0, SimulationMain.execute("--nodes", "8", "--processes", "10", "--duration", "20s"));
        assertEquals(2, SimulationMain.execute("--nodes", "1"));
        assertEquals(2, SimulationMain.execute("--duration", "soon"));
        assertEquals(2, SimulationMain.execute("--partition", "10s"));
    }
}
