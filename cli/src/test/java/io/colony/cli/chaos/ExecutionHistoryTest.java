package io.colony.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.runtime.ExecutionJournal;
import io.colony.node.runtime.ExecutionJournal.Entry;
import io.colony.node.runtime.ExecutionJournal.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging journals: killed runs end at their JVM's death, overlaps, waits for re-assignment. */
class ExecutionHistoryTest {

    private static Entry start(String p, int attempt, long t, long pid) {
        return new Entry(Kind.START, p, attempt, t, pid, false);
    }

    private static Entry end(String p, int attempt, long t, long pid, boolean ok) {
        return new Entry(Kind.END, p, attempt, t, pid, ok);
    }

    @Test
    void aStartWithoutEndEndsWhenItsJvmDiedAndTheNextRunWaitedFromThere() {
        Map<String, List<ExecutionJournal.Entry>> journals = Map.of(
                "n0", List.of(start("a", 1, 100, 10)),
                "n1", List.of(start("a", 2, 900, 11), end("a", 2, 1_000, 11, true)));
        ExecutionHistory h = ExecutionHistory.merge(journals, Map.of(10L, 300L), 5_000);
        List<ExecutionHistory.Run> runs = h.runs("a");
        assertEquals(2, runs.size());
        assertEquals(new ExecutionHistory.Run("a", 1, "n0", 10, 100, 300, ExecutionHistory.Ending.KILLED), runs.get(0));
        assertEquals(List.of(), h.overlaps());
        assertEquals(new ExecutionHistory.Wait("a", 600), h.longestReassignmentWait());
        assertEquals(1, h.killedRuns());
        assertTrue(h.succeeded("a"));
        assertEquals(0, h.processesWithRepeatedSuccess());
    }

    @Test
    void overlappingOrTouchingRunsOfOneProcessAreReported() {
        Map<String, List<ExecutionJournal.Entry>> journals = Map.of(
                "n0", List.of(start("a", 1, 100, 10), end("a", 1, 500, 10, false),
                        start("b", 1, 100, 10), end("b", 1, 200, 10, true)),
                "n1", List.of(start("a", 1, 400, 11), end("a", 1, 800, 11, true),
                        start("b", 2, 200, 11), end("b", 2, 300, 11, true)));
        ExecutionHistory h = ExecutionHistory.merge(journals, Map.of(), 5_000);
        assertEquals(2, h.overlaps().size());
        assertEquals(1, h.processesWithRepeatedSuccess());
        assertEquals(4, h.runCount());
    }

    @Test
    void aJvmWithoutKnownDeathEndsItsOpenRunsNowAndUnknownProcessesHaveNoRuns() {
        ExecutionHistory h = ExecutionHistory.merge(Map.of("n0", List.of(start("a", 1, 100, 10),
                end("x", 1, 50, 10, true))), Map.of(), 7_000);
        assertEquals(7_000, h.runs("a").get(0).endMs());
        assertEquals(List.of(), h.runs("x"));
        assertFalse(h.succeeded("x"));
        assertEquals(ExecutionHistory.Wait.NONE, h.longestReassignmentWait());
    }
}
