package io.colony.node.net.memory;

import io.colony.node.time.RealTimeScheduler;
import io.colony.node.time.VirtualScheduler;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.InsecureSigner;
import io.colony.node.net.gossip.MessageSigner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryNetworkTest {

    private static final String TOPIC = "ledger";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RealTimeScheduler scheduler = new RealTimeScheduler();
    private final List<InMemoryNetwork> nodes = new ArrayList<>();
    /** node id -> messages it received */
    private final Map<String, Set<String>> received = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        nodes.forEach(InMemoryNetwork::close);
        scheduler.close();
    }

    private static GossipConfig fastConfig(boolean floodPublish) {
        GossipConfig.Builder b = GossipConfig.builder();
        b.heartbeatMillis = 50;
        b.floodPublish = floodPublish;
        return b.build();
    }

    private InMemoryHub cluster(InMemoryHub hub, int n, int degree, long seed) {
        for (int i = 0; i < n; i++) {
            InMemoryNetwork node = hub.createNode("n" + i);
            node.start();
            nodes.add(node);
            received.put(node.selfId(), ConcurrentHashMap.newKeySet());
            node.subscribe(TOPIC, (from, data) -> new String(data).startsWith("bad") ? Validation.REJECT
                    : Validation.ACCEPT, (from, data) -> received.get(node.selfId()).add(new String(data)));
        }
        Random rnd = new Random(seed);
        List<CompletableFuture<String>> dials = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            dials.add(nodes.get(i).connect("/memory/n" + rnd.nextInt(i)));
            for (int k = 1; k < degree; k++) {
                int j = rnd.nextInt(n);
                if (j != i) {
                    dials.add(nodes.get(i).connect("/memory/n" + j));
                }
            }
        }
        CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).join();
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(
                node -> node.gossip().inspect(r -> r.meshPeers(TOPIC).size() >= Math.min(2, r.peers().size()))));
        return hub;
    }

    private void awaitEveryoneGot(String message) {
        await().atMost(WAIT).until(() -> received.values().stream().filter(s -> s.contains(message)).count()
                >= nodes.size() - 1);
    }

    @Test
    void pubSubAmongTwentyFourPeers() {
        cluster(new InMemoryHub(scheduler, 1, fastConfig(true), InsecureSigner::new), 24, 4, 1);
        for (int i = 0; i < 24; i += 5) {
            assertTrue(nodes.get(i).publish(TOPIC, ("hello " + i).getBytes()) > 0);
        }
        for (int i = 0; i < 24; i += 5) {
            awaitEveryoneGot("hello " + i);
        }
    }

    /**
     * On virtual time with a fixed seed, so that the outcome depends on the gossip rules only, not on how
     * busy the machine is (on the wall clock, a loaded machine delays heartbeats unevenly and the run
     * differs each time).
     */
    @Test
    void toleratesLossThroughGossip() {
        VirtualScheduler time = new VirtualScheduler(0);
        InMemoryHub hub = new InMemoryHub(time, 2, fastConfig(false), InsecureSigner::new);
        hub.setLinkModel(LinkModel.latency(2, 3));
        int n = 24;
        for (int i = 0; i < n; i++) {
            InMemoryNetwork node = hub.createNode("n" + i);
            node.start();
            nodes.add(node);
            received.put(node.selfId(), ConcurrentHashMap.newKeySet());
            node.subscribe(TOPIC, (from, data) -> Validation.ACCEPT,
                    (from, data) -> received.get(node.selfId()).add(new String(data)));
        }
        Random rnd = new Random(2);
        for (int i = 1; i < n; i++) {
            nodes.get(i).connect("/memory/n" + rnd.nextInt(i));
            for (int k = 1; k < 5; k++) {
                int j = rnd.nextInt(n);
                if (j != i) {
                    nodes.get(i).connect("/memory/n" + j);
                }
            }
        }
        assertTrue(time.runUntil(60_000, () -> nodes.stream().allMatch(node -> node.gossip()
                .inspect(r -> !r.peers().isEmpty() && r.meshPeers(TOPIC).size() >= Math.min(2, r.peers().size())))),
                "meshes formed");
        hub.setLinkModel(LinkModel.latency(2, 3).withLoss(0.2));
        for (int i = 0; i < 5; i++) {
            nodes.get(i).publish(TOPIC, ("lossy " + i).getBytes());
        }
        for (int i = 0; i < 5; i++) {
            String m = "lossy " + i;
            assertTrue(time.runUntil(time.now() + 60_000, () -> received.values().stream()
                    .filter(got -> got.contains(m)).count() >= n - 1), m + " reached every node: "
                    + received.values().stream().filter(got -> got.contains(m)).count());
        }
    }

    @Test
    void invalidMessagesAreRejectedAndTheSenderPenalised() {
        InMemoryHub hub = new InMemoryHub(scheduler, 3, fastConfig(true), id -> id.equals("n0") ? forger(id)
                : new InsecureSigner(id));
        cluster(hub, 20, 4, 3);
        // n1 publishes content every validator rejects
        nodes.get(1).publish(TOPIC, "bad content".getBytes());
        // n0 signs everything wrongly
        nodes.get(0).publish(TOPIC, "forged".getBytes());
        nodes.get(2).publish(TOPIC, "good".getBytes());
        awaitEveryoneGot("good");
        assertTrue(received.values().stream().noneMatch(s -> s.contains("bad content") || s.contains("forged")));
        for (String sender : List.of("n0", "n1")) {
            InMemoryNetwork sender_ = nodes.get(Integer.parseInt(sender.substring(1)));
            for (String peer : sender_.connectedPeers()) {
                InMemoryNetwork neighbour = nodes.get(Integer.parseInt(peer.substring(1)));
                assertTrue(neighbour.gossip().inspect(r -> r.score(sender)) < 0, peer + " scores " + sender);
            }
        }
    }

    private static MessageSigner forger(String id) {
        InsecureSigner real = new InsecureSigner(id);
        return new MessageSigner() {
            @Override
            public ByteString encodePeerId(String peerId) {
                return real.encodePeerId(peerId);
            }

            @Override
            public String decodePeerId(ByteString peerId) {
                return real.decodePeerId(peerId);
            }

            @Override
            public ByteString sign(byte[] payload) {
                return ByteString.copyFrom(new byte[8]);
            }

            @Override
            public boolean verify(ByteString from, byte[] payload, ByteString signature) {
                return real.verify(from, payload, signature);
            }
        };
    }

    @Test
    void requestResponseGateAndPartitions() throws Exception {
        InMemoryHub hub = new InMemoryHub(scheduler, 4);
        hub.setLinkModel(LinkModel.latency(1, 0));
        InMemoryNetwork a = hub.createNode("a");
        InMemoryNetwork b = hub.createNode("b");
        InMemoryNetwork c = hub.createNode("c");
        nodes.addAll(List.of(a, b, c));
        nodes.forEach(InMemoryNetwork::start);
        c.setConnectionGate((peer, key) -> !peer.equals("a"));
        b.handle("/echo", (from, req) -> CompletableFuture.completedFuture((from + ":" + new String(req)).getBytes()));
        assertEquals("b", a.connect("/memory/b").get(5, TimeUnit.SECONDS));
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> a.connect("/memory/c").get(5, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("refused"));
        byte[] reply = a.request("b", "/echo", "hi".getBytes(), Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        assertEquals("a:hi", new String(reply));
        hub.partition(List.of(Set.of("a")));
        ExecutionException timedOut = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> a.request("b", "/echo", "hi".getBytes(), Duration.ofMillis(100)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, timedOut.getCause());
        hub.heal();
        assertEquals("a:again", new String(a.request("b", "/echo", "again".getBytes(), Duration.ofSeconds(5))
                .get(5, TimeUnit.SECONDS)));
        a.disconnect("b");
        await().atMost(WAIT).until(() -> b.connectedPeers().isEmpty());
    }
}
