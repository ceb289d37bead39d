package io.colony.node.ledger;

import io.colony.node.ledger.Membership.Member;
import io.colony.protocol.DecodedRecord;
import java.util.List;

/** Receives the details of a fold that only full views need (history, output, errors). */
interface FoldSink {
    /** A record was folded; {@code detail} says what it did or why it was ignored. */
    void event(DecodedRecord record, Member signer, String detail);

    /** Output of the successful attempt. */
    void output(List<String> lines);

    /** An error of a failed attempt, a timeout or a cancellation. */
    void error(String error);

    /** Attempt {@code attempt} was claimed by {@code executor}. */
    void claimed(int attempt, Member executor);
}
