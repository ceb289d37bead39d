package io.colony.simulations;

import java.util.List;

/**
 * A broken invariant: which one, what was seen, when (virtual ms since the start), the seed and the
 * last trace lines before it.
 *
 * @param invariant short name of the invariant
 * @param detail what broke it
 * @param atMs virtual time since the start of the run
 * @param seed the run's seed
 * @param trace the last trace lines before the violation
 */
public record Violation(String invariant, String detail, long atMs, long seed, List<String> trace) {

    /** Copies the trace. */
    public Violation {
        trace = List.copyOf(trace);
    }

    /** One line: invariant, time, seed and detail. */
    public String headline() {
        return invariant + " at +" + atMs + " ms (seed " + seed + "): " + detail;
    }
}
