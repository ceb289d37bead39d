package io.colony.node.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

    @Test
    void runsEventsInTimeThenSchedulingOrder() {
        VirtualScheduler s = new VirtualScheduler(1_000);
        List<String> order = new ArrayList<>();
        s.schedule(20, () -> order.add("b@20"));
        s.schedule(10, () -> order.add("a@10"));
        s.schedule(20, () -> order.add("c@20"));
        s.schedule(0, () -> {
            order.add("now");
            s.schedule(0, () -> order.add("queued-now"));
        });
        s.runUntil(1_015);
        assertEquals(List.of("now", "queued-now", "a@10"), order);
        assertEquals(1_015, s.now(), "the clock moves to the horizon");
        s.runUntil(2_000);
        assertEquals(List.of("now", "queued-now", "a@10", "b@20", "c@20"), order);
        assertEquals(5, s.executed());
    }

    @Test
    void clockIsTheTimeOfTheRunningEvent() {
        VirtualScheduler s = new VirtualScheduler(0);
        long[] seen = new long[1];
        s.schedule(42, () -> seen[0] = s.now());
        assertTrue(s.step());
        assertEquals(42, seen[0]);
        assertFalse(s.step(), "nothing left");
    }

    @Test
    void cancelledEventsNeverRun() {
        VirtualScheduler s = new VirtualScheduler(0);
        List<String> order = new ArrayList<>();
        Scheduler.Cancellable c = s.schedule(5, () -> order.add("cancelled"));
        s.schedule(6, () -> order.add("kept"));
        c.cancel();
        s.runUntil(100);
        assertEquals(List.of("kept"), order);
        assertEquals(1, s.executed());
    }

    @Test
    void stopsWhenTheConditionTurnsTrue() {
        VirtualScheduler s = new VirtualScheduler(0);
        int[] n = {0};
        for (int i = 1; i <= 10; i++) {
            s.schedule(i, () -> n[0]++);
        }
        assertTrue(s.runUntil(100, () -> n[0] == 3));
        assertEquals(3, n[0]);
        assertEquals(3, s.now());
        int[] checks = {0};
        s.afterEach(() -> checks[0]++);
        assertFalse(s.runUntil(100, () -> false));
        assertEquals(7, checks[0], "the check runs after every event");
    }
}
