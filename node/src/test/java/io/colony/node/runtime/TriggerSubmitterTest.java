package io.colony.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.Identity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Nodes agree on whose turn it is to sign what a cron or generator owes. */
class TriggerSubmitterTest {

    @Test
    void everyNodeTakesADifferentTurnAndTheFirstChangesWithTheSubmission() {
        List<Identity> ids = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Identity id = Identity.generate();
            ids.add(id);
            keys.add(id.publicKey());
        }
        Set<Integer> firsts = new HashSet<>();
        for (int s = 0; s < 40; s++) {
            byte[] submission = new byte[32];
            submission[0] = (byte) s;
            Set<Integer> ranks = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                int r = new TriggerSubmitter(ids.get(i), 300).rank(submission, keys);
                ranks.add(r);
                if (r == 0) {
                    firsts.add(i);
                }
            }
            assertEquals(ids.size(), ranks.size(), "ranks are a permutation");
            assertTrue(ranks.contains(0) && ranks.contains(ids.size() - 1));
        }
        assertTrue(firsts.size() > 5, "the first signer varies with the submission: " + firsts);
    }
}
