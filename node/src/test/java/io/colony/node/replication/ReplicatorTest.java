package io.colony.node.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.ledger.Ledger;
import io.colony.node.ledger.LedgerConfig;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.InsecureSigner;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.net.memory.InMemoryNetwork;
import io.colony.node.time.RealTimeScheduler;
import io.colony.node.store.MemoryRecordStore;
import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.Records;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gossip plus anti-entropy over the in-memory network converge every ledger. */
class ReplicatorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final RealTimeScheduler scheduler = new RealTimeScheduler();
    private final Identity owner = Identity.generate();
    private final byte[] colony = owner.publicKey();
    private final List<Member> members = new ArrayList<>();
    private InMemoryHub hub;
    private long syncIntervalMs = 200;

    /** One colony node: its network, ledger and replicator, all driven on the scheduler thread. */
    private final class Member {
        final Identity identity = Identity.generate();
        final InMemoryNetwork net;
        final DigestedRecordStore store = new DigestedRecordStore(new MemoryRecordStore());
        final Ledger ledger = new Ledger(colony, LedgerConfig.defaults(), store);
        final Replicator replicator;

        Member(String name) {
            net = hub.createNode(name, identity.publicKey());
            LedgerSyncSource source = new LedgerSyncSource(ledger, store, scheduler::now, r -> { });
            replicator = new Replicator(net, colony, task -> scheduler.schedule(0, task), scheduler, source,
                    key -> ledger.isOwner(key) || ledger.isMember(key, scheduler.now()),
                    ReplicationConfig.defaults().withSyncIntervalMs(syncIntervalMs), name.hashCode());
        }

        void start() {
            onScheduler(() -> {
                net.start();
                replicator.start();
            });
        }

        /** Stores a record locally and gossips it, as a node does with what it creates. */
        void create(SignedRecord r) {
            onScheduler(() -> {
                assertTrue(ledger.apply(r, scheduler.now()).allStored(), "local record stored");
                replicator.publish(r);
            });
        }

        long count() {
            return onScheduler(store::count);
        }

        Set<String> ids() {
            return onScheduler(() -> {
                List<String> out = new ArrayList<>();
                store.forEach(r -> out.add(io.colony.protocol.Ids.text(Records.recordId(r))));
                return Set.copyOf(out);
            });
        }
    }

    private <T> T onScheduler(java.util.concurrent.Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        scheduler.schedule(0, () -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void onScheduler(Runnable r) {
        onScheduler(() -> {
            r.run();
            return null;
        });
    }

    @AfterEach
    void tearDown() {
        members.forEach(m -> m.replicator.close());
        members.forEach(m -> m.net.close());
        scheduler.close();
    }

    private void colonyOf(int n) {
        GossipConfig.Builder g = GossipConfig.builder();
        g.heartbeatMillis = 100;
        hub = new InMemoryHub(scheduler, 7, g.build(), InsecureSigner::new);
        for (int i = 0; i < n; i++) {
            Member m = new Member("n" + i);
            members.add(m);
            m.start();
        }
        for (int i = 1; i < n; i++) {
            String addr = members.get(i - 1).net.listenAddresses().get(0);
            members.get(i).net.connect(addr).join();
        }
        Member first = members.get(0);
        for (Member m : members) {
            first.create(Records.sign(owner, Records.admit(colony, System.currentTimeMillis(), m.identity.publicKey(),
                    Role.NODE, "node", 0)));
        }
    }

    private SignedRecord submit(Member by, int i) {
        FunctionSpec spec = SpecCodec.parse("{\"conditions\":{\"executortype\":\"cli\"},\"funcname\":\"echo\",\"args\":[\""
                + i + "\"]}");
        return Records.sign(by.identity, Records.submit(colony, System.currentTimeMillis(), spec,
                nonce()));
    }

    private static byte[] nonce() {
        byte[] n = new byte[Records.NONCE_BYTES];
        new java.security.SecureRandom().nextBytes(n);
        return n;
    }

    private void awaitConverged() {
        await().atMost(WAIT).until(() -> members.stream().map(Member::ids).collect(Collectors.toSet()).size() == 1);
    }

    @Test
    void recordsReachEveryNode() {
        colonyOf(4);
        awaitConverged(); // every node knows every Admit, its own included
        for (int i = 0; i < 20; i++) {
            Member by = members.get(i % members.size());
            by.create(submit(by, i));
        }
        awaitConverged();
        assertEquals(4 + 20, members.get(3).count());
    }

    @Test
    void partitionedNodeCatchesUpAfterHealing() {
        colonyOf(3);
        awaitConverged();
        hub.partition(List.of(Set.of("n0", "n1"), Set.of("n2")));
        for (int i = 0; i < 200; i++) {
            members.get(i % 2).create(submit(members.get(i % 2), i));
        }
        await().atMost(WAIT).until(() -> members.get(0).count() == 3 + 200 && members.get(1).count() == 3 + 200);
        assertEquals(3, members.get(2).count(), "the partitioned node saw nothing");
        hub.heal();
        awaitConverged();
        assertTrue(members.get(2).replicator.pulledRecords() > 0, "caught up through anti-entropy");
    }

    @Test
    void lateJoinerReceivesTheFullHistory() {
        colonyOf(2);
        for (int i = 0; i < 300; i++) {
            members.get(0).create(submit(members.get(0), i));
        }
        await().atMost(WAIT).until(() -> members.get(1).count() == 2 + 300);
        Member late = new Member("late");
        members.add(late);
        late.start();
        // admitted by the owner, as a join token would carry it
        members.get(0).create(Records.sign(owner, Records.admit(colony, System.currentTimeMillis(),
                late.identity.publicKey(), Role.NODE, "late", 0)));
        late.net.connect(members.get(1).net.listenAddresses().get(0)).join();
        awaitConverged();
        assertEquals(3 + 300, late.count());
    }

    @Test
    void aClaimCheckSwapsCompetingClaimsBeforeEitherStarts() {
        syncIntervalMs = 600_000; // no anti-entropy rounds after the first: only the check moves the claims
        colonyOf(2);
        awaitConverged();
        Member a = members.get(0);
        Member b = members.get(1);
        SignedRecord sub = submit(a, 1);
        a.create(sub);
        await().atMost(WAIT).until(() -> b.ids().contains(io.colony.protocol.Ids.text(Records.recordId(sub))));
        byte[] pid = Records.recordId(sub);
        long t = System.currentTimeMillis();
        // both claim attempt 1; neither claim is gossiped
        SignedRecord claimA = Records.sign(a.identity, Records.claim(colony, t, pid, 1, "a", "cli", t + 10_000));
        SignedRecord claimB = Records.sign(b.identity, Records.claim(colony, t + 1, pid, 1, "b", "cli", t + 10_001));
        onScheduler(() -> assertTrue(a.ledger.apply(claimA, scheduler.now()).allStored()));
        onScheduler(() -> assertTrue(b.ledger.apply(claimB, scheduler.now()).allStored()));

        b.replicator.checkClaim(claimB, List.of(a.net.selfId())).orTimeout(10, TimeUnit.SECONDS).join();
        String idA = io.colony.protocol.Ids.text(Records.recordId(claimA));
        String idB = io.colony.protocol.Ids.text(Records.recordId(claimB));
        assertTrue(b.ids().contains(idA), "the checker learnt the competing claim");
        assertTrue(a.ids().contains(idB), "the peer learnt the checker's claim");
        // both agree that the earlier claim (a's) holds the attempt
        for (Member m : members) {
            assertEquals("a", onScheduler(() -> m.ledger.get(pid).orElseThrow().executorName()));
        }
    }

    @Test
    void aBadClaimCheckIsAnErrorAnswerAndChangesNothing() {
        colonyOf(1);
        awaitConverged();
        Member a = members.get(0);
        long before = a.count();
        SignedRecord sub = submit(a, 7); // a valid record, but not a claim
        for (com.google.protobuf.ByteString claim : List.of(com.google.protobuf.ByteString.copyFromUtf8("junk"),
                sub.toByteString())) {
            byte[] req = io.colony.node.pb.SyncRequest.newBuilder().setClaimCheck(
                    io.colony.node.pb.ClaimCheckRequest.newBuilder().setClaim(claim)).build().toByteArray();
            io.colony.node.pb.SyncResponse r = onScheduler(() -> a.replicator.serve(req));
            assertEquals(io.colony.node.pb.SyncResponse.KindCase.ERROR, r.getKindCase(), r.toString());
        }
        assertEquals(before, a.count(), "nothing stored");
    }
}
