package io.colony.node.ledger;

import java.util.List;

/**
 * Result of applying records: one outcome per input record (same order), and the processes whose
 * state changed.
 *
 * @param outcomes per input record
 * @param changes state changes, one per changed process
 */
public record ApplyResult(List<Outcome> outcomes, List<StateChange> changes) {

    /** Copies the lists. */
    public ApplyResult {
        outcomes = List.copyOf(outcomes);
        changes = List.copyOf(changes);
    }

    /** The single outcome of a one-record apply. */
    public Outcome outcome() {
        return outcomes.get(0);
    }

    /** True if every input record is now stored. */
    public boolean allStored() {
        return outcomes.stream().allMatch(Outcome::stored);
    }
}
