package io.colony.node.vote;

import io.colony.protocol.pb.Vote;
import io.colony.protocol.pb.VoteReply;

/**
 * A voter's answer to one request: granted with its vote, or refused with the reason in the user's
 * terms.
 *
 * @param granted true if the voter acknowledged the record
 * @param vote    the vote (null when refused)
 * @param reason  why not ("" when granted)
 */
public record VoteAnswer(boolean granted, Vote vote, String reason) {

    /** A granted answer. */
    public static VoteAnswer granted(Vote vote) {
        return new VoteAnswer(true, vote, "");
    }

    /** A refusal. */
    public static VoteAnswer refused(String reason) {
        return new VoteAnswer(false, null, reason);
    }

    /** The wire form. */
    public VoteReply toProto() {
        VoteReply.Builder b = VoteReply.newBuilder().setGranted(granted).setReason(reason);
        if (vote != null) {
            b.setVote(vote);
        }
        return b.build();
    }

    /** From the wire form; a "granted" reply without a vote is a refusal. */
    public static VoteAnswer fromProto(VoteReply r) {
        if (r.getGranted() && r.hasVote()) {
            return granted(r.getVote());
        }
        return refused(r.getReason().isEmpty() ? "refused" : r.getReason());
    }
}
