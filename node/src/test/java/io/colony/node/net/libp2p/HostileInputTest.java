package io.colony.node.net.libp2p;

import static io.colony.node.net.libp2p.HostFixture.addr;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Random, truncated and oversized input at each layer closes that one connection (or stream) and
 * the host keeps serving a well-behaved peer.
 */
class HostileInputTest {

    private final HostFixture hosts = new HostFixture();
    private final Random random = new Random(1234);
    private Libp2pHost target;
    private Libp2pHost good;

    @BeforeEach
    void setUp() {
        target = hosts.start(b -> b.handshakeTimeout(Duration.ofSeconds(2)).maxStreamsPerConnection(8)
                .streamNegotiationTimeout(Duration.ofSeconds(2)));
        good = hosts.start();
    }

    @AfterEach
    void tearDown() {
        hosts.close();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A fresh well-behaved peer can still connect and ping. */
    private void targetStillServes() throws Exception {
        good.disconnect(target.peerId());
        await().until(() -> good.connection(target.peerId()).isEmpty());
        good.dial(addr(target)).get(5, TimeUnit.SECONDS);
        assertTrue(good.ping(target.peerId()).get(5, TimeUnit.SECONDS).toNanos() > 0);
    }

    @Test
    void randomBytesBeforeAnyNegotiation() throws Exception {
        for (int i = 0; i < 5; i++) {
            try (RawClient c = new RawClient(addr(target))) {
                c.writeRaw(randomBytes(1 + random.nextInt(4096)));
                assertTrue(c.closedByRemote());
            }
        }
        targetStillServes();
    }

    @Test
    void oversizedMultistreamMessage() throws Exception {
        try (RawClient c = new RawClient(addr(target))) {
            byte[] big = new byte[5000];
            c.writeRaw(Varint.encode(big.length));
            c.writeRaw(big);
            assertTrue(c.closedByRemote());
        }
        targetStillServes();
    }

    @Test
    void truncatedHandshakesTimeOut() throws Exception {
        try (RawClient silent = new RawClient(addr(target));
                RawClient halfMss = new RawClient(addr(target));
                RawClient halfNoise = new RawClient(addr(target))) {
            halfMss.writeRaw(new byte[] {0x13, '/', 'm'});
            halfNoise.negotiateNoise();
            halfNoise.writeRaw(new byte[] {0, 32, 1, 2, 3});
            assertTrue(silent.closedByRemote());
            assertTrue(halfMss.closedByRemote());
            assertTrue(halfNoise.closedByRemote());
        }
        targetStillServes();
    }

    @Test
    void garbageNoiseMessages() throws Exception {
        try (RawClient c = new RawClient(addr(target))) {
            c.negotiateNoise();
            c.writeFrame(randomBytes(32));
            c.readFrame();
            c.writeFrame(randomBytes(100));
            assertTrue(c.closedByRemote());
        }
        try (RawClient c = new RawClient(addr(target))) {
            c.negotiateNoise();
            c.writeFrame(new byte[0]);
            assertTrue(c.closedByRemote());
        }
        targetStillServes();
    }

    @Test
    void badCiphertextAfterTheHandshake() throws Exception {
        try (RawClient c = new RawClient(addr(target))) {
            c.upgrade(Ed25519KeyPair.generate());
            c.writeFrame(randomBytes(64));
            assertTrue(c.closedByRemote());
        }
        targetStillServes();
    }

    @Test
    void malformedAndOversizedYamuxFrames() throws Exception {
        byte[][] attacks = {
            RawClient.yamux(0, 1, 1, 300 * 1024, new byte[0]),            // data frame beyond the window
            RawClient.yamux(1, 0, 1, 0, new byte[0]).clone(),             // placeholder, replaced below
            RawClient.yamux(7, 0, 0, 0, new byte[0]),                     // unknown type
            RawClient.yamux(1, 1, 2, 0, new byte[0]),                     // SYN with the listener's parity
            RawClient.yamux(1, 1, 0, 0, new byte[0]),                     // SYN on the session id
        };
        attacks[1][0] = 1;                                                 // unknown version
        for (byte[] attack : attacks) {
            try (RawClient c = new RawClient(addr(target))) {
                c.upgrade(Ed25519KeyPair.generate());
                c.writeEncrypted(attack);
                assertTrue(c.closedByRemote());
            }
        }
        try (RawClient c = new RawClient(addr(target))) {
            c.upgrade(Ed25519KeyPair.generate());
            c.writeEncrypted(randomBytes(1000));
            assertTrue(c.closedByRemote());
        }
        targetStillServes();
    }

    @Test
    void streamLevelAbuseResetsStreamsButKeepsTheConnection() throws Exception {
        try (RawClient c = new RawClient(addr(target))) {
            c.upgrade(Ed25519KeyPair.generate());
            // more streams than allowed: the extra ones are reset, the connection stays
            for (int id = 1; id <= 2 * 12; id += 2) {
                c.writeEncrypted(RawClient.yamux(1, 1, id, 0, new byte[0]));
            }
            // an oversized multistream message on one more stream
            byte[] junk = new byte[3000];
            c.writeEncrypted(RawClient.yamux(0, 0, 1, junk.length, junk));
            // a ping must still be answered
            c.writeEncrypted(RawClient.yamux(2, 1, 0, 42, new byte[0]));
            int resets = 0;
            boolean pong = false;
            java.io.ByteArrayOutputStream acc = new java.io.ByteArrayOutputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!pong && System.nanoTime() < deadline) {
                acc.writeBytes(c.readEncrypted());
                byte[] b = acc.toByteArray();
                int pos = 0;
                while (b.length - pos >= 12) {
                    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(b, pos, 12);
                    h.get();
                    int type = h.get();
                    int flags = h.getShort();
                    h.getInt();
                    long len = h.getInt() & 0xFFFFFFFFL;
                    int size = 12 + (type == 0 ? (int) len : 0);
                    if (b.length - pos < size) {
                        break;
                    }
                    if ((flags & YamuxFrame.RST) != 0) {
                        resets++;
                    }
                    if (type == 2 && (flags & YamuxFrame.ACK) != 0 && len == 42) {
                        pong = true;
                    }
                    pos += size;
                }
                acc.reset();
                acc.write(b, pos, b.length - pos);
            }
            assertTrue(pong, "yamux ping not answered");
            assertTrue(resets >= 4 + 1, "expected resets for 4 extra streams and the oversized message, got " + resets);
            assertEquals(1, target.connectedPeers().size());
        }
        targetStillServes();
    }

    @Test
    void keepAliveDropsPeersThatStopAnswering() throws Exception {
        Libp2pHost pinger = hosts.start(b -> b.keepAliveInterval(Duration.ofMillis(200))
                .streamNegotiationTimeout(Duration.ofMillis(500)));
        try (RawClient mute = new RawClient(addr(pinger))) {
            mute.upgrade(Ed25519KeyPair.generate());
            await().atMost(Duration.ofSeconds(5)).until(() -> pinger.connectedPeers().size() == 1);
            // it never answers anything, so the keep-alive ping times out and the host hangs up
            await().atMost(Duration.ofSeconds(5)).until(() -> pinger.connectedPeers().isEmpty());
        }
        // well-behaved peers stay connected through many keep-alive rounds
        good.dial(addr(pinger)).get(5, TimeUnit.SECONDS);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> pinger.connectedPeers().contains(good.peerId()));
    }

    @Test
    void connectionLimitRefusesExtraConnections() throws Exception {
        Libp2pHost small = hosts.start(b -> b.maxConnections(2));
        try (RawClient a = new RawClient(addr(small)); RawClient b = new RawClient(addr(small));
                RawClient c = new RawClient(addr(small))) {
            assertTrue(c.closedByRemote());
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> good.dial(addr(small)).get(5, TimeUnit.SECONDS));
    }
}
