package io.colony.node.ledger;

import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.Votes;
import io.colony.protocol.pb.Vote;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts a record's valid votes by the given voters, remembering which (record, voter) signatures were
 * already checked so that re-folding a process does not verify its votes again. Bounded; not
 * thread-safe (the ledger's owner thread uses it).
 */
final class VoteCache {
    private static final int MAX_ENTRIES = 65_536;
    private final Map<String, Boolean> checked = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** Distinct voters among {@code voters} with a valid vote in {@code r}'s votes for {@code r}'s id. */
    int count(DecodedRecord r, List<byte[]> voters) {
        if (r.signed().getVotesCount() == 0 || voters.isEmpty()) {
            return 0;
        }
        Set<String> allowed = new HashSet<>();
        voters.forEach(v -> allowed.add(Hex.encode(v)));
        Set<String> counted = new HashSet<>();
        String rid = r.idText();
        for (Vote v : r.signed().getVotesList()) {
            String voter = Hex.encode(v.getVoter().toByteArray());
            if (!allowed.contains(voter) || counted.contains(voter)) {
                continue;
            }
            String key = rid + voter + Hex.encode(v.getSignature().toByteArray());
            Boolean ok = checked.get(key);
            if (ok == null) {
                ok = Votes.verify(v, r.id());
                checked.put(key, ok);
            }
            if (ok) {
                counted.add(voter);
            }
        }
        return counted.size();
    }

    /** True if some vote of {@code r} is by a key not among {@code voters}. */
    static boolean hasOtherVoters(DecodedRecord r, List<byte[]> voters) {
        Set<String> allowed = new HashSet<>();
        voters.forEach(v -> allowed.add(Hex.encode(v)));
        for (Vote v : r.signed().getVotesList()) {
            if (!allowed.contains(Hex.encode(v.getVoter().toByteArray()))) {
                return true;
            }
        }
        return false;
    }
}
