package io.colony.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Small colonies under each fault model: every invariant holds and the work gets done. */
class ScenarioTest {

    private static SimReport run(SimConfig c) {
        SimReport r = new Simulation(c).run();
        System.out.println(r.format());
        assertTrue(r.ok(), () -> r.format());
        assertEquals(c.processes(), r.submitted());
        assertEquals(0, r.lost(), "no process lost");
        assertEquals(r.submitted(), r.succeeded() + r.failed(), "every process final");
        return r;
    }

    @Test
    void steadyState() {
        SimReport r = run(SimConfig.defaults().withNodes(20, 10).withProcesses(60));
        assertEquals(60, r.succeeded(), "fault-free: everything succeeds");
        assertEquals(r.records(), r.recordsEverywhere(), "every record reached every node");
    }
}
