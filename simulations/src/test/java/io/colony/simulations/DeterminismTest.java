package io.colony.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The same seed gives the same trace, byte for byte, even with every fault model on. */
class DeterminismTest {

    private static final SimConfig FAULTY = SimConfig.defaults().withNodes(12, 6).withProcesses(25)
            .withDuration(30_000).withLinks(25, 15, 0.03).withPartition(8_000, 8_000, 0.3)
            .withCrashes(1.5, 3_000).withSkew(500).withSlowExecutors(0.3, 4)
            .withExecution(3_000, 10, 6_000, 1_000);

    @Test
    void sameSeedSameTrace() {
        SimReport a = new Simulation(FAULTY).run();
        SimReport b = new Simulation(FAULTY).run();
        assertEquals(a.traceHash(), b.traceHash());
        assertEquals(a.events(), b.events());
        assertEquals(a.records(), b.records());
        assertEquals(a.virtualMs(), b.virtualMs());
    }

    @Test
    void anotherSeedAnotherTrace() {
        SimReport a = new Simulation(FAULTY).run();
        SimReport b = new Simulation(FAULTY.withSeed(2)).run();
        assertNotEquals(a.traceHash(), b.traceHash());
    }
}
