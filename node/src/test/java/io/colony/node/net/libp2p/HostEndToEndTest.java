package io.colony.node.net.libp2p;

import static io.colony.node.net.libp2p.HostFixture.addr;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostEndToEndTest {

    private final HostFixture hosts = new HostFixture();

    @AfterEach
    void tearDown() {
        hosts.close();
    }

    @Test
    void dialIdentifiesBothWaysAndReusesTheConnection() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        Set<PeerId> seenByB = ConcurrentHashMap.newKeySet();
        b.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(PeerId peer, byte[] key, Connection connection) {
                assertEquals(peer, PeerId.fromEd25519PublicKey(key));
                seenByB.add(peer);
            }

            @Override
            public void disconnected(PeerId peer) {
                seenByB.remove(peer);
            }
        });

        Connection c = a.dial(addr(b)).get(5, TimeUnit.SECONDS);
        assertEquals(b.peerId(), c.remotePeer());
        assertFalse(c.isInbound());
        assertSame(c, a.dial(addr(b)).get(5, TimeUnit.SECONDS));
        await().until(() -> seenByB.contains(a.peerId()));

        await().until(() -> a.identifyInfo(b.peerId()).isPresent() && b.identifyInfo(a.peerId()).isPresent());
        IdentifyInfo info = a.identifyInfo(b.peerId()).orElseThrow();
        assertEquals("ipfs/0.1.0", info.protocolVersion());
        assertEquals("colony/" + Libp2pHost.VERSION, info.agentVersion());
        assertTrue(info.protocols().containsAll(List.of(Libp2pHost.IDENTIFY, Libp2pHost.PING)));
        assertEquals(List.of(addr(b).withoutPeerId()), info.listenAddresses());
        assertEquals(c.localAddress(), info.observedAddress().orElseThrow());
        assertTrue(b.peerId().matches(info.publicKey()));

        a.disconnect(b.peerId());
        await().until(() -> !seenByB.contains(a.peerId()) && a.connectedPeers().isEmpty());
    }

    @Test
    void newProtocolsArePushedToConnectedPeers() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        a.dial(addr(b)).get(5, TimeUnit.SECONDS);
        await().until(() -> a.identifyInfo(b.peerId()).isPresent() && b.identifyInfo(a.peerId()).isPresent());
        b.handle("/test/late/1.0.0", () -> (s, d) -> { });
        await().until(() -> a.identifyInfo(b.peerId()).orElseThrow().protocols().contains("/test/late/1.0.0"));
        b.unhandle("/test/late/1.0.0");
        await().until(() -> !a.identifyInfo(b.peerId()).orElseThrow().protocols().contains("/test/late/1.0.0"));
    }

    @Test
    void wildcardListenAddressesAreExpandedToInterfaces() {
        Libp2pHost h = hosts.start(cfg -> HostConfig.builder(Ed25519KeyPair.generate()).listen("/ip4/0.0.0.0/tcp/0"));
        assertFalse(h.listenAddresses().isEmpty());
        for (Multiaddr m : h.listenAddresses()) {
            assertFalse(m.toString().startsWith("/ip4/0.0.0.0"), m.toString());
            assertEquals(h.peerId(), m.peerId().orElseThrow());
        }
    }

    @Test
    void pingMeasuresRoundTripBothWays() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        a.dial(addr(b)).get(5, TimeUnit.SECONDS);
        Duration rtt = a.ping(b.peerId()).get(5, TimeUnit.SECONDS);
        assertTrue(rtt.compareTo(Duration.ZERO) > 0 && rtt.compareTo(Duration.ofSeconds(5)) < 0);
        await().until(() -> b.connection(a.peerId()).isPresent());
        assertTrue(b.ping(a.peerId()).get(5, TimeUnit.SECONDS).toNanos() > 0);
    }

    @Test
    void requestResponseBothWaysWithLimits() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        RequestResponse rrA = new RequestResponse(a, "/test/echo/1.0.0", 1 << 20, Duration.ofSeconds(5));
        RequestResponse rrB = new RequestResponse(b, "/test/echo/1.0.0", 1 << 20, Duration.ofSeconds(5));
        rrB.serve((from, req) -> CompletableFuture.completedFuture(concat(from.toBytes(), req)));
        a.dial(addr(b)).get(5, TimeUnit.SECONDS);

        byte[] reply = rrA.request(b.peerId(), "hello".getBytes()).get(5, TimeUnit.SECONDS);
        assertArrayEquals(concat(a.peerId().toBytes(), "hello".getBytes()), reply);

        ExecutionException tooBig = assertThrows(ExecutionException.class,
                () -> rrA.request(b.peerId(), new byte[(1 << 20) - 10]).get(5, TimeUnit.SECONDS));
        assertTrue(tooBig.getCause().getMessage().contains("closed before a response")
                || tooBig.getCause().getMessage().contains("limit"), tooBig.getCause().getMessage());
        assertThrows(ExecutionException.class,
                () -> rrA.request(b.peerId(), new byte[(1 << 20) + 1]).get(5, TimeUnit.SECONDS));
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> new RequestResponse(a, "/test/unknown/1.0.0", 1024, Duration.ofSeconds(5))
                        .request(b.peerId(), new byte[1]).get(5, TimeUnit.SECONDS));
        assertTrue(unknown.getCause() instanceof UnsupportedProtocolException, unknown.getCause().toString());

        rrA.serve((from, req) -> CompletableFuture.completedFuture(req));
        await().until(() -> b.connection(a.peerId()).isPresent());
        assertArrayEquals(new byte[] {1, 2, 3}, rrB.request(a.peerId(), new byte[] {1, 2, 3}).get(5, TimeUnit.SECONDS));
    }

    @Test
    void requestTimesOutWhenTheServerNeverAnswers() {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        new RequestResponse(b, "/test/slow/1.0.0", 1024, Duration.ofSeconds(5)).serve((from, req) -> new CompletableFuture<>());
        a.dial(addr(b)).join();
        RequestResponse client = new RequestResponse(a, "/test/slow/1.0.0", 1024, Duration.ofMillis(300));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.request(b.peerId(), new byte[] {1}).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException);
        await().until(() -> a.connection(b.peerId()).orElseThrow().streamCount() == 0);
    }

    @Test
    void manyConcurrentStreamsAndLargePayloadsThroughFlowControl() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        RequestResponse server = new RequestResponse(b, "/test/echo/1.0.0", 8 << 20, Duration.ofSeconds(20));
        server.serve((from, req) -> CompletableFuture.completedFuture(req));
        a.dial(addr(b)).get(5, TimeUnit.SECONDS);
        RequestResponse client = new RequestResponse(a, "/test/echo/1.0.0", 8 << 20, Duration.ofSeconds(20));

        Random rnd = new Random(42);
        byte[] big = new byte[3 << 20];
        rnd.nextBytes(big);
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] msg = i % 25 == 0 ? big : Arrays.copyOf(big, 1000 + i);
            sent.add(msg);
            futures.add(client.request(b.peerId(), msg));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertArrayEquals(sent.get(i), futures.get(i).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void slowReaderIsBoundedByTheWindowAndTheSendBuffer() throws Exception {
        Libp2pHost a = hosts.start(cfg -> cfg.maxStreamBufferedBytes(1 << 20));
        Libp2pHost b = hosts.start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        b.handle("/test/sink/1.0.0", () -> (stream, data) -> got.write(data, 0, data.length));
        a.dial(addr(b)).get(5, TimeUnit.SECONDS);
        P2pStream s = a.newStream(b.peerId(), "/test/sink/1.0.0", (st, d) -> { }).get(5, TimeUnit.SECONDS);
        ExecutionException full = assertThrows(ExecutionException.class,
                () -> s.write(new byte[(1 << 20) + 1]).get(5, TimeUnit.SECONDS));
        assertTrue(full.getCause().getMessage().contains("send buffer full"));
        byte[] chunk = new byte[512 * 1024];
        for (int i = 0; i < 4; i++) {
            s.write(chunk).get(10, TimeUnit.SECONDS);
        }
        await().until(() -> got.size() == 4 * chunk.length);
    }

    @Test
    void gateRefusesPeerBeforeAnyStream() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        Libp2pHost c = hosts.start();
        b.setConnectionGate((peer, key) -> !peer.equals(a.peerId()));
        List<String> opened = new ArrayList<>();
        b.handle("/test/x/1.0.0", () -> (stream, data) -> opened.add(stream.remotePeerId()));
        assertThrows(ExecutionException.class, () -> a.dial(addr(b)).get(5, TimeUnit.SECONDS)
                .newStream("/test/x/1.0.0", (st, d) -> { }).get(5, TimeUnit.SECONDS));
        assertTrue(b.connectedPeers().isEmpty());
        await().until(() -> a.connectedPeers().isEmpty());
        c.dial(addr(b)).get(5, TimeUnit.SECONDS);
        await().until(() -> b.connectedPeers().equals(Set.of(c.peerId())));
        assertTrue(opened.isEmpty());
    }

    @Test
    void dialsDnsAddresses() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        int port = addr(b).toSocketAddress().getPort();
        Multiaddr dns = Multiaddr.parse("/dns4/localhost/tcp/" + port + "/p2p/" + b.peerId());
        assertEquals(b.peerId(), a.dial(dns).get(5, TimeUnit.SECONDS).remotePeer());
    }

    @Test
    void dialingTheWrongPeerIdFails() {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start();
        Multiaddr wrong = addr(b).withPeerId(Ed25519KeyPair.generate().peerId());
        ExecutionException e = assertThrows(ExecutionException.class, () -> a.dial(wrong).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("but the remote is"), e.getCause().getMessage());
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        Libp2pHost a = hosts.start(cfg -> cfg.idleTimeout(Duration.ofMillis(300)));
        Libp2pHost b = hosts.start();
        a.dial(addr(b)).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.connectedPeers().isEmpty() && b.connectedPeers().isEmpty());
    }

    @Test
    void streamLimitRefusesExtraStreams() throws Exception {
        Libp2pHost a = hosts.start();
        Libp2pHost b = hosts.start(cfg -> cfg.maxStreamsPerConnection(3));
        b.handle("/test/hold/1.0.0", () -> (stream, data) -> { });
        a.dial(addr(b)).get(5, TimeUnit.SECONDS);
        await().until(() -> b.identifyInfo(a.peerId()).isPresent() && a.identifyInfo(b.peerId()).isPresent());
        await().until(() -> b.connection(a.peerId()).orElseThrow().streamCount() == 0);
        for (int i = 0; i < 3; i++) {
            a.newStream(b.peerId(), "/test/hold/1.0.0", (s, d) -> { }).get(5, TimeUnit.SECONDS);
        }
        assertThrows(ExecutionException.class,
                () -> a.newStream(b.peerId(), "/test/hold/1.0.0", (s, d) -> { }).get(5, TimeUnit.SECONDS));
        assertTrue(a.connection(b.peerId()).orElseThrow().isOpen());
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
