package io.colony.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropagationTest {

    private static byte[] id(int n) {
        byte[] b = new byte[32];
        b[7] = (byte) n;
        return b;
    }

    @Test
    void timesARecordUntilEveryNodeHoldsIt() {
        Propagation p = new Propagation(3);
        p.stored(0, id(1), 100, true);
        p.stored(1, id(1), 130, true);
        p.stored(1, id(1), 140, true); // a duplicate store does not count twice
        assertEquals(0, p.complete());
        p.stored(2, id(1), 180, true);
        p.stored(2, id(2), 200, false);
        assertEquals(2, p.created());
        assertEquals(List.of(80L), p.allTimes());
        assertEquals(List.of(80L), p.cleanTimes());
    }

    @Test
    void tracksWhatASetOfNodesStillLacks() {
        Propagation p = new Propagation(3);
        p.stored(0, id(1), 0, true);
        p.stored(1, id(1), 0, true);
        p.stored(2, id(2), 0, true);
        BitSet live = new BitSet();
        live.set(0, 2); // node 2 is down
        List<Long> missing = new java.util.ArrayList<>(p.missingAmong(live));
        assertEquals(1, missing.size(), "only record 2 is missing on a live node");
        p.stored(0, id(2), 10, true);
        p.stored(1, id(2), 20, true);
        p.retainMissing(missing, live);
        assertEquals(List.of(), missing);
    }

    @Test
    void quantiles() {
        assertEquals(-1, Propagation.quantile(List.of(), 0.5));
        List<Long> t = List.of(5L, 1L, 4L, 2L, 3L, 100L, 6L, 7L, 8L, 9L);
        assertEquals(6, Propagation.quantile(t, 0.5));
        assertEquals(100, Propagation.quantile(t, 0.99));
    }
}
