package io.colony.node.net.libp2p;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.colony.node.net.PeerNetwork.Validation;
import io.colony.node.net.gossip.GossipConfig;
import io.colony.node.net.gossip.MessageSigner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gossipsub interop with js-libp2p ({@code @chainsafe/libp2p-gossipsub}) through {@code gossip-peer.mjs}. */
class GossipInteropTest {

    private static final String TOPIC = "colony/interop";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void requireNode() {
        JsPeer.assumeNode();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private JsPeer js() {
        JsPeer js = JsPeer.start("gossip-peer.mjs", "--heartbeat", "200");
        closeables.add(js);
        js.call("subscribed", WAIT, "subscribe", "topic", TOPIC);
        return js;
    }

    private Libp2pNetwork java(boolean forgeSignatures) {
        Ed25519KeyPair identity = Ed25519KeyPair.generate();
        HostConfig cfg = HostConfig.builder(identity).listen("/ip4/127.0.0.1/tcp/0").build();
        GossipConfig.Builder g = GossipConfig.builder();
        g.heartbeatMillis = 200;
        MessageSigner signer = new Ed25519Signer(identity);
        Libp2pNetwork n = new Libp2pNetwork(new Libp2pHost(cfg), true, g.build(),
                forgeSignatures ? new Forger(signer) : signer);
        closeables.add(n);
        n.start();
        return n;
    }

    private static Set<String> collect(Libp2pNetwork n) {
        Set<String> got = ConcurrentHashMap.newKeySet();
        n.subscribe(TOPIC, (from, data) -> Validation.ACCEPT, (from, data) -> got.add(from + "|" + new String(data)));
        return got;
    }

    private static boolean jsGot(JsPeer js, String from, String data) {
        return js.events().stream().anyMatch(e -> "message".equals(e.path("event").asText())
                && data.equals(e.path("data").asText()) && from.equals(e.path("from").asText()));
    }

    private static void awaitJsMesh(JsPeer js, int size) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode mesh = js.call("mesh", WAIT, "mesh", "topic", TOPIC);
            return mesh.path("mesh").size() >= size;
        });
    }

    @Test
    void messagesFlowBothWays() throws Exception {
        JsPeer js = js();
        Libp2pNetwork java = java(false);
        Set<String> got = collect(java);
        java.connect(js.address().toString()).get(20, TimeUnit.SECONDS);
        awaitJsMesh(js, 1);
        await().atMost(WAIT).until(() -> java.gossip().inspect(r -> r.meshPeers(TOPIC).size()) == 1);

        assertEquals(1, java.publish(TOPIC, "hello from java".getBytes()));
        await().atMost(WAIT).until(() -> jsGot(js, java.selfId(), "hello from java"));
        JsonNode published = js.call("published", WAIT, "publish", "topic", TOPIC, "data", "hello from js");
        assertEquals(1, published.path("recipients").asInt());
        await().atMost(WAIT).until(() -> got.contains(js.peerId() + "|hello from js"));
    }

    @Test
    void javaJsJavaLineRelaysBothDirections() throws Exception {
        JsPeer js = js();
        Libp2pNetwork left = java(false);
        Libp2pNetwork right = java(false);
        Set<String> gotLeft = collect(left);
        Set<String> gotRight = collect(right);
        left.connect(js.address().toString()).get(20, TimeUnit.SECONDS);
        right.connect(js.address().toString()).get(20, TimeUnit.SECONDS);
        awaitJsMesh(js, 2);
        assertTrue(!left.connectedPeers().contains(right.selfId()));

        left.publish(TOPIC, "left to right".getBytes());
        right.publish(TOPIC, "right to left".getBytes());
        await().atMost(WAIT).until(() -> gotRight.contains(left.selfId() + "|left to right")
                && gotLeft.contains(right.selfId() + "|right to left"));
        js.call("published", WAIT, "publish", "topic", TOPIC, "data", "js to both");
        await().atMost(WAIT).until(() -> gotLeft.contains(js.peerId() + "|js to both")
                && gotRight.contains(js.peerId() + "|js to both"));
    }

    @Test
    void jsDropsMessagesWithBadSignatures() throws Exception {
        JsPeer js = js();
        Libp2pNetwork forger = java(true);
        Libp2pNetwork honest = java(false);
        collect(forger);
        collect(honest);
        forger.connect(js.address().toString()).get(20, TimeUnit.SECONDS);
        honest.connect(js.address().toString()).get(20, TimeUnit.SECONDS);
        awaitJsMesh(js, 2);

        assertEquals(1, forger.publish(TOPIC, "forged".getBytes()));
        honest.publish(TOPIC, "genuine".getBytes());
        await().atMost(WAIT).until(() -> jsGot(js, honest.selfId(), "genuine"));
        // the forged message was sent before the genuine one on another connection; give js one
        // more round trip on the forger's connection to be sure it was processed
        forger.publish(TOPIC, "forged again".getBytes());
        honest.publish(TOPIC, "genuine again".getBytes());
        await().atMost(WAIT).until(() -> jsGot(js, honest.selfId(), "genuine again"));
        assertTrue(js.events().stream().noneMatch(e -> e.path("data").asText().startsWith("forged")));
    }

    /** Signs with a wrong key: verification by anyone else fails. */
    private static final class Forger implements MessageSigner {
        private final MessageSigner real;
        private final Ed25519KeyPair other = Ed25519KeyPair.generate();

        Forger(MessageSigner real) {
            this.real = real;
        }

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
            return ByteString.copyFrom(other.sign(payload));
        }

        @Override
        public boolean verify(ByteString from, byte[] payload, ByteString signature) {
            return real.verify(from, payload, signature);
        }
    }
}
