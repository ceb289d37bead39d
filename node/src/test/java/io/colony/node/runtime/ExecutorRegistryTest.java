package io.colony.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.node.ledger.Resources;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Identity;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Record;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Executors of other nodes are known from the ledger's Claim, Renew and Close records alone. */
class ExecutorRegistryTest {

    private final Identity owner = Identity.generate();
    private final Identity otherNode = Identity.generate();
    private final Identity external = Identity.generate();
    private final byte[] colony = owner.publicKey();
    private final byte[] pid = new byte[32];

    private DecodedRecord signed(Identity who, Record body) {
        return Records.decode(Records.sign(who, body));
    }

    @Test
    void claimsRenewalsAndClosesFromOtherNodesShowTheirExecutors() {
        ExecutorRegistry r = new ExecutorRegistry();
        r.observe(signed(otherNode, Records.claim(colony, 1_000, pid, 1, "node-b", "cli", 11_000, 4000, 8192, 0)));
        r.observe(signed(otherNode, Records.renew(colony, 4_000, pid, 1, 14_000)));
        byte[] pid2 = new byte[32];
        pid2[0] = 1;
        r.observe(signed(external, Records.claim(colony, 2_000, pid2, 1, "warm-1", "seismic", 12_000, 0, 0, 1)));
        r.observe(signed(external, Records.close(colony, 5_000, pid2, 1, true, List.of(), List.of())));
        // a renewal signed by someone else than the claimant does not count as the executor's
        r.observe(signed(owner, Records.renew(colony, 9_000, pid, 1, 19_000)));

        List<Map<String, Object>> all = r.list(null, List.of(), Set.of(otherNode.memberId()), 10_000);
        assertEquals(2, all.size(), all.toString());
        Map<String, Object> b = all.stream().filter(e -> e.get("name").equals("node-b")).findFirst().orElseThrow();
        assertEquals("built-in", b.get("kind"));
        assertEquals(otherNode.memberId(), b.get("node"));
        assertEquals(4000, b.get("cpuMillis"));
        assertEquals(4_000L, b.get("lastSeenMs"));
        Map<String, Object> w = all.stream().filter(e -> e.get("name").equals("warm-1")).findFirst().orElseThrow();
        assertEquals("external", w.get("kind"));
        assertEquals("seismic", w.get("type"));
        assertEquals(1, w.get("gpus"));
        assertEquals(5_000L, w.get("lastSeenMs"));
        assertEquals(null, w.get("node"), "not known here: it polls another node");
    }

    @Test
    void anExecutorPollingThisNodeIsListedWithItsOffer() {
        ExecutorRegistry r = new ExecutorRegistry();
        r.polled(external.memberId(), "warm-2", "seismic", new Resources(2000, 1024, 1), otherNode.memberId(), 7_000);
        Map<String, Object> e = r.list(null, List.of(), Set.of(), 8_000).get(0);
        assertEquals(List.of("warm-2", "seismic", "external", otherNode.memberId(), 2000, 1024L, 1, 0, 7_000L),
                List.of(e.get("name"), e.get("type"), e.get("kind"), e.get("node"), e.get("cpuMillis"),
                        e.get("memoryMb"), e.get("gpus"), e.get("running"), e.get("lastSeenMs")));
    }
}
