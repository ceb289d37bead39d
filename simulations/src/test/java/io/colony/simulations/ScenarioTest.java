package io.colony.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Small colonies under each fault model: every invariant holds (authenticity, single live lease, no
 * process lost, termination, convergence) and the work gets done. Each run also injects forged records.
 */
class ScenarioTest {

    private static final SimConfig BASE = SimConfig.defaults().withNodes(20, 8).withProcesses(40)
            .withDuration(40_000);
    /** Longest repair after a heal with 1% loss (deterministic for the fixed seed). */
    private static final long REPAIR_BOUND_MS = 10_000;

    private static SimReport run(SimConfig c) {
        SimReport r = runAllowingPartitionOverlaps(c);
        assertTrue(r.ok(), r::format);
        assertEquals(0, r.doubleExecutions());
        return r;
    }

    /**
     * Under a partition both sides may re-assign a process: such overlaps are counted as violations
     * with their cause (not excused), and every other invariant must hold.
     */
    private static SimReport runAllowingPartitionOverlaps(SimConfig c) {
        SimReport r = new Simulation(c).run();
        System.out.println(r.format());
        assertEquals(List.of(), r.otherViolations(), r::format);
        assertEquals(c.processes(), r.submitted());
        assertEquals(0, r.lost(), "no process lost");
        assertEquals(r.submitted(), r.succeeded() + r.failed(), "every process final");
        assertEquals(r.doubleExecutions(), r.violations().size(), "every overlap is a violation");
        for (DoubleExecution d : r.overlaps()) {
            assertEquals(DoubleExecution.Cause.PARTITION, d.cause(), d::detail);
            assertTrue(d.detail().startsWith("partition: both sides re-assigned attempt "), d::detail);
        }
        assertTrue(r.forgedInjected() > 0, "forged records were injected (and none stored)");
        return r;
    }

    @Test
    void steadyState() {
        SimReport r = run(BASE);
        assertEquals(r.submitted(), r.succeeded(), "fault-free: everything succeeds");
        assertEquals(r.records(), r.recordsEverywhere(), "every record reached every node");
        assertEquals(r.submitted(), r.runsStarted(), "one run per process");
        assertTrue(r.p99AllMs() > 0 && r.p99AllMs() < 5_000, "propagation within seconds: " + r.p99AllMs());
    }

    @Test
    void crashRestartChurn() {
        SimReport r = run(BASE.withCrashes(2, 4_000).withExecution(6_000, 20, 6_000, 1_000));
        assertTrue(r.crashes() >= 5, "crashes happened: " + r.crashes());
        assertTrue(r.runsStarted() > r.submitted(), "crashed runs were re-assigned");
    }

    @Test
    void partitionHeals() {
        SimReport r = runAllowingPartitionOverlaps(BASE.withPartition(10_000, 15_000, 0.4).withExecution(4_000, 10, 6_000, 1_000));
        assertTrue(r.convergenceMs() >= 0, "converged after the heal");
        assertTrue(r.p50CleanMs() >= 0);
    }

    @Test
    void repairAfterAHealUnderLossIsBounded() {
        // anti-entropy requests lost to the partition time out quickly, so the repair starts soon
        SimReport r = run(BASE.withLinks(20, 10, 0.01).withPartition(10_000, 15_000, 0.3));
        assertTrue(r.convergenceMs() >= 0 && r.convergenceMs() < REPAIR_BOUND_MS,
                "converged within " + REPAIR_BOUND_MS + " ms of the heal: " + r.convergenceMs());
    }

    @Test
    void messageLoss() {
        SimReport r = run(BASE.withLinks(30, 20, 0.05));
        assertEquals(r.submitted(), r.succeeded());
    }

    @Test
    void clockSkewAndSlowExecutors() {
        SimReport r = run(BASE.withSkew(1_000).withSlowExecutors(0.3, 8).withExecution(3_000, 10, 6_000, 1_000));
        assertEquals(r.submitted(), r.succeeded());
    }

    @Test
    void aCronTicksOncePerTickThroughCrashesAndAPartition() {
        SimConfig c = BASE.withProcesses(10).withCrashes(2, 4_000).withPartition(12_000, 10_000, 0.4)
                .withExecution(1_000, 20, 6_000, 1_000);
        SimReport r = new Simulation(c).withCron(2).run();
        System.out.println(r.format());
        // one process per tick, every tick while faults ran, all final, converged; overlaps counted
        assertEquals(List.of(), r.otherViolations(), r::format);
        assertEquals(r.doubleExecutions(), r.violations().size());
        assertTrue(r.cronTicks() >= 15, "ticks: " + r.cronTicks());
        assertEquals(0, r.lost());
        assertTrue(r.crashes() > 0);
        // several nodes sign some ticks (during the partition both sides do), yet each is one process
        assertTrue(r.cronSignatures() >= r.cronTicks());
    }

    @Test
    void withoutFaultsOneNodeSignsEachCronTick() {
        SimReport r = new Simulation(BASE.withProcesses(5)).withCron(2).run();
        assertTrue(r.ok(), r::format);
        assertTrue(r.cronTicks() >= 15, "ticks: " + r.cronTicks());
        // the nodes' turns: the first node up signs, the others see it arrive before theirs
        assertEquals(r.cronTicks(), r.cronSignatures(), r::format);
    }
}
