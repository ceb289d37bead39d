package io.colony.node.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.InsecureSigner;
import io.colony.node.net.memory.InMemoryHub;
import io.colony.node.net.memory.InMemoryNetwork;
import io.colony.node.time.RealTimeScheduler;
import io.colony.protocol.Identity;
import io.colony.protocol.Records;
import io.colony.protocol.pb.Role;
import io.colony.protocol.pb.SignedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private final RealTimeScheduler scheduler = new RealTimeScheduler();
    private final Identity owner = Identity.generate();
    private final byte[] colony = owner.publicKey();
    private final InMemoryHub hub = new InMemoryHub(scheduler, 3, GossipConfig.defaults(), InsecureSigner::new);
    private final List<Peer> peers = new ArrayList<>();
    private final ClusterConfig fast = new ClusterConfig(8, 100, 500, 2_000, 100);

    private final class Peer {
        final Identity id;
        final InMemoryNetwork net;
        final MemberDirectory directory = new MemberDirectory(colony);
        final ClusterManager cluster;

        Peer(String name, Identity id, SignedRecord admit, List<String> bootstrap) {
            this.id = id;
            this.net = hub.createNode(name, id.publicKey());
            this.cluster = new ClusterManager(net, colony, () -> admit, name, directory,
                    a -> directory.observe(Records.decode(a)), scheduler, bootstrap, fast, name.hashCode());
            if (admit != null) {
                directory.observe(Records.decode(admit));
            }
            cluster.install();
            net.start();
            cluster.start();
            peers.add(this);
        }
    }

    private SignedRecord admit(Identity member) {
        return Records.sign(owner, Records.admit(colony, System.currentTimeMillis(), member.publicKey(), Role.NODE,
                "n", 0));
    }

    private Peer member(String name, List<String> bootstrap) {
        Identity id = Identity.generate();
        return new Peer(name, id, admit(id), bootstrap);
    }

    @AfterEach
    void tearDown() {
        peers.forEach(p -> p.cluster.close());
        peers.forEach(p -> p.net.close());
        scheduler.close();
    }

    @Test
    void membersFindEachOtherThroughOneBootstrapPeer() {
        Peer boot = new Peer("boot", owner, null, List.of());
        String bootAddr = boot.net.listenAddresses().get(0);
        Peer a = member("a", List.of(bootAddr));
        Peer b = member("b", List.of(bootAddr));
        Peer c = member("c", List.of(bootAddr));
        await().atMost(WAIT).until(() -> boot.cluster.connectedMembers().size() == 3);
        // peer exchange: they reach each other, not only the bootstrap peer
        await().atMost(WAIT).until(() -> a.net.connectedPeers().containsAll(List.of("b", "c"))
                && b.net.connectedPeers().contains("c"));
        // and stay connected when the bootstrap peer goes away
        boot.cluster.close();
        boot.net.close();
        await().atMost(WAIT).until(() -> !a.net.connectedPeers().contains("boot"));
        assertTrue(a.cluster.isVerified("b") && c.cluster.isVerified("a"));
    }

    /** Counts connection events of one remote peer as seen by a node. */
    private static final class Watch implements io.colony.node.net.PeerNetwork.PeerListener {
        final String peer;
        final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger disconnects = new java.util.concurrent.atomic.AtomicInteger();

        Watch(String peer) {
            this.peer = peer;
        }

        @Override
        public void connected(String peerId, byte[] key) {
            if (peerId.equals(peer)) {
                connects.incrementAndGet();
            }
        }

        @Override
        public void disconnected(String peerId) {
            if (peerId.equals(peer)) {
                disconnects.incrementAndGet();
            }
        }
    }

    @Test
    void nonMemberIsDisconnected() {
        Peer boot = member("boot", List.of());
        Watch watch = new Watch("stranger");
        boot.net.addPeerListener(watch);
        Identity stranger = Identity.generate();
        new Peer("stranger", stranger, null, List.of(boot.net.listenAddresses().get(0)));
        // it gets in (keys are unknown until proven) and is thrown out once its hello fails
        await().atMost(WAIT).until(() -> watch.connects.get() >= 1 && watch.disconnects.get() >= 1);
        assertFalse(boot.cluster.isVerified("stranger"));
        assertFalse(boot.directory.isMember(stranger.publicKey(), System.currentTimeMillis()));
    }

    @Test
    void forgedAdmissionIsRefused() {
        Peer boot = member("boot", List.of());
        Identity mallory = Identity.generate();
        Identity fakeOwner = Identity.generate();
        SignedRecord forged = Records.sign(fakeOwner, Records.admit(colony, System.currentTimeMillis(),
                mallory.publicKey(), Role.NODE, "m", 0));
        Watch watch = new Watch("mallory");
        boot.net.addPeerListener(watch);
        new Peer("mallory", mallory, forged, List.of(boot.net.listenAddresses().get(0)));
        await().atMost(WAIT).until(() -> watch.connects.get() >= 1 && watch.disconnects.get() >= 1);
        assertFalse(boot.cluster.isVerified("mallory"));
        assertFalse(boot.directory.isMember(mallory.publicKey(), System.currentTimeMillis()));
    }

    @Test
    void revokedMemberIsRefusedAtTheHandshake() {
        Peer boot = member("boot", List.of());
        Identity gone = Identity.generate();
        boot.directory.observe(Records.decode(Records.sign(owner, Records.revoke(colony, System.currentTimeMillis(),
                gone.publicKey(), "left"))));
        Peer g = new Peer("gone", gone, admit(gone), List.of());
        CompletionException e = assertThrows(CompletionException.class,
                () -> g.net.connect(boot.net.listenAddresses().get(0)).join());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        assertEquals(0, boot.net.connectedPeers().size());
    }

    @Test
    void revokedMemberIsCutAtOnceAndLeavesTheGossip() {
        Peer boot = member("boot", List.of());
        Peer m = member("m", List.of(boot.net.listenAddresses().get(0)));
        await().atMost(WAIT).until(() -> boot.cluster.isVerified("m") && m.cluster.isVerified("boot"));
        await().atMost(WAIT).until(() -> boot.net.gossip().inspect(r -> r.peers()).contains("m"));
        // the ledger stored the Revoke: on that same thread, before anything else is sent
        boot.directory.observe(Records.decode(Records.sign(owner, Records.revoke(colony, System.currentTimeMillis(),
                m.id.publicKey(), "left"))));
        assertFalse(boot.cluster.isVerified("m"));
        assertFalse(boot.net.gossip().inspect(r -> r.peers()).contains("m"), "still in the gossip router");
        assertFalse(boot.net.connectedPeers().contains("m"));
        // and it cannot come back
        await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> !boot.net.connectedPeers().contains("m"));
    }

    @Test
    void memberWhoseAdmissionExpiresIsDisconnectedWithinASecond() {
        Peer boot = member("boot", List.of());
        Identity id = Identity.generate();
        long expires = System.currentTimeMillis() + 1_500;
        SignedRecord admit = Records.sign(owner, Records.admit(colony, System.currentTimeMillis(), id.publicKey(),
                Role.NODE, "e", expires));
        Peer e = new Peer("e", id, admit, List.of(boot.net.listenAddresses().get(0)));
        await().atMost(WAIT).until(() -> boot.cluster.isVerified("e"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !boot.net.connectedPeers().contains("e"));
        assertTrue(System.currentTimeMillis() < expires + 1_000, "cut within a second of the expiry");
        assertFalse(boot.cluster.isVerified("e") || e.cluster.isVerified("boot"));
    }

    @Test
    void unverifiedPeerIsLeftOutOfGossipUntilItsProof() {
        Peer boot = member("boot", List.of());
        boot.net.subscribe("t", (f, d) -> io.colony.node.net.PeerNetwork.Validation.ACCEPT, (f, d) -> { });
        // a stranger that speaks gossip but no hello: connected, never in the router
        InMemoryNetwork stranger = hub.createNode("stranger", Identity.generate().publicKey());
        java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger();
        stranger.subscribe("t", (f, d) -> io.colony.node.net.PeerNetwork.Validation.ACCEPT,
                (f, d) -> got.incrementAndGet());
        stranger.start();
        stranger.connect(boot.net.listenAddresses().get(0)).join();
        stranger.publish("t", new byte[] {1});
        boot.net.publish("t", new byte[] {2});
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> got.get() == 0
                && boot.net.gossip().inspect(r -> !r.peers().contains("stranger") && r.seenCount() == 1)
                && stranger.gossip().inspect(r -> r.topicPeers("t").isEmpty()));
        // the probation ends: thrown out, and slowed down when it comes back
        await().atMost(WAIT).until(() -> !boot.net.connectedPeers().contains("stranger"));
        assertThrows(CompletionException.class, () -> stranger.connect(boot.net.listenAddresses().get(0)).join());
        stranger.close();
    }

    @Test
    void bootstrapPeersOfAnotherColonyAreFatal() {
        Identity otherOwner = Identity.generate();
        InMemoryNetwork otherNet = hub.createNode("other", otherOwner.publicKey());
        MemberDirectory otherDir = new MemberDirectory(otherOwner.publicKey());
        ClusterManager other = new ClusterManager(otherNet, otherOwner.publicKey(), () -> null, "other", otherDir,
                a -> { }, scheduler, List.of(), fast, 1);
        other.install();
        otherNet.start();
        other.start();
        java.util.concurrent.CompletableFuture<String> fatal = new java.util.concurrent.CompletableFuture<>();
        Identity id = Identity.generate();
        MemberDirectory dir = new MemberDirectory(colony);
        InMemoryNetwork net = hub.createNode("lost", id.publicKey());
        ClusterManager lost = new ClusterManager(net, colony, () -> admit(id), "lost", dir, a -> { }, scheduler,
                List.of(otherNet.listenAddresses().get(0)), fast, 2);
        lost.onFatal(fatal::complete);
        lost.install();
        net.start();
        lost.start();
        try {
            String why = fatal.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            assertTrue(why.contains("belong to another colony") && why.contains(io.colony.protocol.Hex.encode(colony)),
                    why);
        } finally {
            lost.close();
            other.close();
            net.close();
            otherNet.close();
        }
    }
}
