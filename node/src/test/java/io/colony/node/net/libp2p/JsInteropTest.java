package io.colony.node.net.libp2p;

import static io.colony.node.net.libp2p.HostFixture.addr;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Wire compatibility with js-libp2p (TCP + Noise + yamux + identify + ping) on loopback. */
class JsInteropTest {

    static final String ECHO = "/colony/test/echo/1.0.0";
    private static final Duration T = Duration.ofSeconds(20);

    private final HostFixture hosts = new HostFixture();
    private final List<JsPeer> peers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        peers.forEach(JsPeer::close);
        hosts.close();
    }

    private JsPeer js(String... args) {
        JsPeer p = JsPeer.start("peer.mjs", args);
        peers.add(p);
        return p;
    }

    private Libp2pHost javaHost() {
        Libp2pHost h = hosts.start();
        h.handle(ECHO, EchoHandler::new);
        return h;
    }

    @Test
    void javaDialsJs() throws Exception {
        JsPeer js = js();
        Libp2pHost java = javaHost();
        Connection c = java.dial(js.address()).get(20, TimeUnit.SECONDS);
        assertEquals(js.peerId(), c.remotePeer());
        checkIdentifyBothWays(java, js);
        checkPingBothWays(java, js);
        checkEchoBothWays(java, js);
    }

    @Test
    void jsDialsJava() throws Exception {
        JsPeer js = js();
        Libp2pHost java = javaHost();
        JsonNode dialed = js.call("dialed", T, "dial", "addr", addr(java).toString());
        assertEquals(java.peerId().toString(), dialed.path("peer").asText());
        await().atMost(T).until(() -> java.connection(js.peerId()).isPresent());
        assertTrue(java.connection(js.peerId()).orElseThrow().isInbound());
        checkIdentifyBothWays(java, js);
        checkPingBothWays(java, js);
        checkEchoBothWays(java, js);
    }

    @Test
    void gateRefusesJsPeer() {
        JsPeer js = js();
        Libp2pHost java = javaHost();
        java.setConnectionGate((peer, key) -> !peer.equals(js.peerId()));
        AssertionError refused = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> js.call("dialed", T, "dial", "addr", addr(java).toString()));
        assertTrue(refused.getMessage().contains("dial failed"), refused.getMessage());
        assertTrue(java.connectedPeers().isEmpty());
    }

    @Test
    void javaClosingIsSeenByJs() throws Exception {
        JsPeer js = js();
        Libp2pHost java = javaHost();
        java.dial(js.address()).get(20, TimeUnit.SECONDS);
        js.awaitEvent(e -> "connected".equals(e.path("event").asText()), T);
        java.disconnect(js.peerId());
        js.awaitEvent(e -> "disconnected".equals(e.path("event").asText())
                && java.peerId().toString().equals(e.path("peer").asText()), T);
    }

    /** js pings every connection periodically and drops peers that do not answer: stay up a minute. */
    @Test
    void connectionStaysUpForAMinuteUnderJsKeepAlive() throws Exception {
        JsPeer js = js("--ping-interval", "3000");
        Libp2pHost java = javaHost();
        Connection c = java.dial(js.address()).get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(75)).during(Duration.ofSeconds(62))
                .until(() -> c.isOpen() && java.connectedPeers().contains(js.peerId()));
        JsonNode status = js.call("status", T, "status");
        JsonNode conn = status.path("connections").get(0);
        assertEquals(java.peerId().toString(), conn.path("peer").asText());
        assertEquals("open", conn.path("status").asText());
        assertTrue(conn.path("rtt").isNumber(), "js connection monitor never measured an rtt: " + status);
        assertTrue(js.events().stream().noneMatch(e -> "disconnected".equals(e.path("event").asText())));
        await().atMost(T).until(() -> c.streamCount() <= 1);
    }

    private static void checkIdentifyBothWays(Libp2pHost java, JsPeer js) {
        await().atMost(T).until(() -> java.identifyInfo(js.peerId()).isPresent());
        IdentifyInfo info = java.identifyInfo(js.peerId()).orElseThrow();
        assertTrue(js.peerId().matches(info.publicKey()));
        assertTrue(info.agentVersion().contains("js-libp2p"), info.agentVersion());
        assertEquals("ipfs/0.1.0", info.protocolVersion());
        assertTrue(info.protocols().containsAll(List.of(Libp2pHost.IDENTIFY, Libp2pHost.PING, ECHO)), info.protocols().toString());
        assertTrue(info.listenAddresses().contains(js.address().withoutPeerId()), info.listenAddresses().toString());

        JsonNode id = js.awaitEvent(e -> "identify".equals(e.path("event").asText())
                && java.peerId().toString().equals(e.path("peer").asText()), T);
        assertEquals(HexFormat.of().formatHex(PeerId.encodeEd25519PublicKey(java.config().identity().publicKey())),
                id.path("publicKey").asText());
        assertEquals("colony/" + Libp2pHost.VERSION, id.path("agentVersion").asText());
        assertEquals("ipfs/0.1.0", id.path("protocolVersion").asText());
        List<String> protocols = new ArrayList<>();
        id.path("protocols").forEach(p -> protocols.add(p.asText()));
        assertEquals(List.copyOf(java.protocols()), protocols);
        List<String> listen = new ArrayList<>();
        id.path("listenAddrs").forEach(a -> listen.add(a.asText()));
        assertTrue(listen.contains(addr(java).withoutPeerId().toString()), listen.toString());
    }

    private static void checkPingBothWays(Libp2pHost java, JsPeer js) throws Exception {
        Duration rtt = java.ping(js.peerId()).get(20, TimeUnit.SECONDS);
        assertTrue(rtt.toNanos() > 0);
        JsonNode pong = js.call("pong", T, "ping", "peer", java.peerId().toString());
        assertTrue(pong.path("rtt").asDouble() >= 0);
    }

    private static void checkEchoBothWays(Libp2pHost java, JsPeer js) throws Exception {
        JsonNode echo = js.call("echo", T, "echo", "peer", java.peerId().toString(), "size", 3 << 20);
        assertTrue(echo.path("ok").asBoolean(), echo.toString());

        byte[] payload = new byte[3 << 20];
        new Random(7).nextBytes(payload);
        CompletableFuture<byte[]> back = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        P2pStream s = java.newStream(js.peerId(), ECHO, new StreamHandler() {
            @Override
            public void onData(P2pStream stream, byte[] data) {
                received.write(data, 0, data.length);
            }

            @Override
            public void onRemoteClose(P2pStream stream) {
                back.complete(received.toByteArray());
                stream.closeWrite();
            }
        }).get(20, TimeUnit.SECONDS);
        for (int i = 0; i < payload.length; i += 100_000) {
            s.write(Arrays.copyOfRange(payload, i, Math.min(payload.length, i + 100_000))).get(20, TimeUnit.SECONDS);
        }
        s.closeWrite();
        assertArrayEquals(payload, back.get(30, TimeUnit.SECONDS));
    }

    /** Echoes a stream back and half-closes when the remote does. */
    static final class EchoHandler implements StreamHandler {
        @Override
        public void onData(P2pStream stream, byte[] data) {
            stream.write(data);
        }

        @Override
        public void onRemoteClose(P2pStream stream) {
            stream.closeWrite();
        }
    }
}
