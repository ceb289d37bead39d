package io.colony.node.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.InsecureSigner;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.net.memory.InMemoryNetwork;
import io.colony.node.store.MemoryRecordStore;
import io.colony.node.time.RealTimeScheduler;
import io.colony.protocol.DecodedRecord;
import io.colony.protocol.Hex;
import io.colony.protocol.Identity;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A gossiped Revoke takes effect on the network before the (possibly busy) ledger loop stores it. */
class RevokeSeenTest {

    private final RealTimeScheduler scheduler = new RealTimeScheduler();
    private final Identity owner = Identity.generate();
    private final byte[] colony = owner.publicKey();
    private final InMemoryHub hub = new InMemoryHub(scheduler, 5, GossipConfig.defaults(), InsecureSigner::new);
    private final InMemoryNetwork a = hub.createNode("a");
    private final InMemoryNetwork b = hub.createNode("b");

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        scheduler.close();
    }

    @Test
    void ownerSignedRevokeIsSeenWhileTheLedgerLoopIsStuck() {
        DigestedRecordStore store = new DigestedRecordStore(new MemoryRecordStore());
        Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), store);
        LedgerSyncSource source = new LedgerSyncSource(ledger, store, scheduler::now, r -> { });
        // its ledger loop never runs: nothing gossiped is stored
        Replicator rb = new Replicator(b, colony, task -> { }, scheduler, source, k -> true,
                ReplicationConfig.defaults(), 1);
        List<DecodedRecord> seen = new CopyOnWriteArrayList<>();
        rb.onRevokeSeen(seen::add);
        a.start();
        b.start();
        rb.start();
        a.subscribe(Replicator.topicOf(colony), (f, d) -> io.colony.node.net.PeerNetwork.Validation.ACCEPT, (f, d) -> { });
        a.connect(b.listenAddresses().get(0)).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.gossip().inspect(r -> r.topicPeers(
                Replicator.topicOf(colony)).contains("b")));
        Identity gone = Identity.generate();
        Identity mallory = Identity.generate();
        long now = System.currentTimeMillis();
        // not from the owner, or not a Revoke: not passed on
        a.publish(Replicator.topicOf(colony), Records.sign(mallory, Records.revoke(colony, now, gone.publicKey(), "x"))
                .toByteArray());
        a.publish(Replicator.topicOf(colony), Records.sign(owner, Records.admit(colony, now, gone.publicKey(),
                Role.NODE, "g", 0)).toByteArray());
        a.publish(Replicator.topicOf(colony), Records.sign(owner, Records.revoke(colony, now, gone.publicKey(), "left"))
                .toByteArray());
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertEquals(1, seen.size());
        assertEquals(Hex.encode(gone.publicKey()), Hex.encode(seen.get(0).record().getRevoke().getMember().toByteArray()));
        assertEquals(0, store.count(), "the ledger stored nothing");
    }
}
