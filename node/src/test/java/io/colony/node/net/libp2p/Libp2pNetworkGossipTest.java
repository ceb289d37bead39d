package io.colony.node.net.libp2p;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.GossipOutbox;
import io.colony.node.net.gossip.GossipRouter;
import io.colony.node.net.libp2p.pb.RPC;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Libp2pNetworkGossipTest {

    private static final String TOPIC = "colony/ledger";
    private final List<Libp2pNetwork> networks = new ArrayList<>();

    @AfterEach
    void closeAll() {
        networks.forEach(Libp2pNetwork::close);
    }

    private Libp2pNetwork start() {
        GossipConfig.Builder g = GossipConfig.builder();
        g.heartbeatMillis = 100;
        Libp2pNetwork n = new Libp2pNetwork(
                HostConfig.builder(Ed25519KeyPair.generate()).listen("/ip4/127.0.0.1/tcp/0").build(), g.build());
        networks.add(n);
        n.start();
        return n;
    }

    private static Set<String> collect(Libp2pNetwork n) {
        Set<String> got = ConcurrentHashMap.newKeySet();
        n.subscribe(TOPIC, (from, data) -> new String(data).startsWith("bad") ? Validation.REJECT : Validation.ACCEPT,
                (from, data) -> got.add(from + "|" + new String(data)));
        return got;
    }

    @Test
    void messagesRelayAlongALineOfThreePeers() throws Exception {
        Libp2pNetwork a = start();
        Libp2pNetwork b = start();
        Libp2pNetwork c = start();
        Set<String> gotA = collect(a);
        Set<String> gotB = collect(b);
        Set<String> gotC = collect(c);
        a.connect(b.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
        c.connect(b.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.gossip().inspect(r -> r.meshPeers(TOPIC).size()) == 2
                && a.gossip().inspect(r -> r.meshPeers(TOPIC).size()) == 1
                && c.gossip().inspect(r -> r.meshPeers(TOPIC).size()) == 1);
        assertEquals(1, a.publish(TOPIC, "from a".getBytes()));
        c.publish(TOPIC, "from c".getBytes());
        c.publish(TOPIC, "bad from c".getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> gotC.contains(a.selfId() + "|from a")
                && gotA.contains(c.selfId() + "|from c") && gotB.size() == 2);
        assertTrue(b.gossip().inspect(r -> r.score(c.selfId())) < 0, "rejected message penalised");
        assertEquals(Set.of(c.selfId() + "|from c"), gotA);
    }

    @Test
    void requestResponseGateAndListeners() throws Exception {
        Libp2pNetwork a = start();
        Libp2pNetwork b = start();
        Libp2pNetwork c = start();
        Set<String> seenByB = ConcurrentHashMap.newKeySet();
        b.addPeerListener(new io.colony.node.net.PeerNetwork.PeerListener() {
            @Override
            public void connected(String peerId, byte[] key) {
                seenByB.add("+" + peerId);
            }

            @Override
            public void disconnected(String peerId) {
                seenByB.add("-" + peerId);
            }
        });
        b.handle("/colony/echo/1", (from, req) -> CompletableFuture.completedFuture((from + ":" + new String(req))
                .getBytes()));
        c.setConnectionGate((peer, key) -> !peer.equals(a.selfId()));
        assertEquals(b.selfId(), a.connect(b.listenAddresses().get(0)).get(10, TimeUnit.SECONDS));
        byte[] reply = a.request(b.selfId(), "/colony/echo/1", "hi".getBytes(), Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS);
        assertEquals(a.selfId() + ":hi", new String(reply));
        try {
            a.connect(c.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException refused) {
            // either the dial fails, or the connection is closed right after the handshake
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.connectedPeers().contains(c.selfId())
                && !c.connectedPeers().contains(a.selfId()));
        assertTrue(a.addressesOf(b.selfId()).size() >= 1);
        a.disconnect(b.selfId());
        await().atMost(Duration.ofSeconds(5)).until(() -> seenByB.contains("-" + a.selfId()));
        assertTrue(seenByB.contains("+" + a.selfId()));
    }

    @Test
    void oversizedOrMalformedFramesResetTheStream() throws Exception {
        Libp2pNetwork target = start();
        Set<String> got = collect(target);
        HostFixture fixture = new HostFixture();
        try (fixture) {
            Libp2pHost raw = fixture.start();
            raw.dial(Multiaddr.parse(target.listenAddresses().get(0))).get(10, TimeUnit.SECONDS);
            for (byte[] evil : List.of(Varint.encode(64L * 1024 * 1024), new byte[] {5, (byte) 0xff, 1, 2, 3, 4})) {
                CompletableFuture<Void> closed = new CompletableFuture<>();
                P2pStream stream = raw.newStream(PeerId.parse(target.selfId()), "/meshsub/1.1.0", new StreamHandler() {
                    @Override
                    public void onData(P2pStream s, byte[] data) {
                    }

                    @Override
                    public void onClosed(P2pStream s) {
                        closed.complete(null);
                    }
                }).get(10, TimeUnit.SECONDS);
                stream.write(evil);
                closed.get(10, TimeUnit.SECONDS);
            }
        }
        // the network still works
        Libp2pNetwork other = start();
        Set<String> gotOther = collect(other);
        other.connect(target.listenAddresses().get(0)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.gossip().inspect(r -> r.meshPeers(TOPIC).size()) == 1);
        other.publish(TOPIC, "still fine".getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.contains(other.selfId() + "|still fine"));
        assertTrue(gotOther.isEmpty());
    }

    @Test
    void speaksMeshsubOneZeroWithAPeerThatKnowsNothingElse() throws Exception {
        Libp2pNetwork target = start();
        Set<String> got = collect(target);
        Ed25519KeyPair identity = Ed25519KeyPair.generate();
        HostFixture fixture = new HostFixture();
        try (fixture) {
            Libp2pHost legacy = fixture.start(b -> HostConfig.builder(identity).listen("/ip4/127.0.0.1/tcp/0"));
            List<byte[]> fromTarget = new java.util.concurrent.CopyOnWriteArrayList<>();
            legacy.handle("/meshsub/1.0.0", () -> (s, data) -> fromTarget.add(data));
            // a router on the legacy side produces correctly signed RPCs for us to send by hand
            List<RPC> rpcs = new ArrayList<>();
            GossipRouter router = new GossipRouter(legacy.peerId().toString(), GossipConfig.defaults(),
                    System::currentTimeMillis, new Random(1), new Ed25519Signer(identity), new GossipOutbox() {
                        @Override
                        public void send(String peer, RPC rpc) {
                            rpcs.add(rpc);
                        }

                        @Override
                        public void deliver(String topic, String author, String receivedFrom, byte[] data) {
                        }
                    });
            router.addPeer(target.selfId(), true);
            router.handleRpc(target.selfId(), RPC.newBuilder().addSubscriptions(
                    RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid(TOPIC)).build());
            router.subscribe(TOPIC, (f, d) -> Validation.ACCEPT);
            router.publish(TOPIC, "hello from 1.0".getBytes());

            legacy.dial(Multiaddr.parse(target.listenAddresses().get(0))).get(10, TimeUnit.SECONDS);
            P2pStream stream = legacy.newStream(PeerId.parse(target.selfId()), "/meshsub/1.0.0", (s, d) -> { })
                    .get(10, TimeUnit.SECONDS);
            for (RPC rpc : rpcs) {
                stream.write(LengthPrefixed.frame(rpc.toByteArray()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> got.contains(legacy.peerId() + "|hello from 1.0"));
            // and the target fell back to /meshsub/1.0.0 for its own stream: its subscription arrived
            await().atMost(Duration.ofSeconds(10)).until(() -> !fromTarget.isEmpty());
        }
    }
}
