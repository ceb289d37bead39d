package io.colony.node.net.libp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.colony.node.net.libp2p.NoiseCipher.NoiseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NoiseHandshakeTest {

    private final Ed25519KeyPair alice = Ed25519KeyPair.generate();
    private final Ed25519KeyPair bob = Ed25519KeyPair.generate();

    @Test
    void xxHandshakeAuthenticatesBothSidesAndAgreesOnKeys() throws Exception {
        NoiseHandshake i = new NoiseHandshake(true, new NoiseHandshake.StaticIdentity(alice));
        NoiseHandshake r = new NoiseHandshake(false, new NoiseHandshake.StaticIdentity(bob));
        byte[] m1 = i.writeMessage1();
        assertEquals(32, m1.length);
        r.readMessage1(m1);
        byte[] bobKey = i.readMessage2(r.writeMessage2());
        assertEquals(bob.peerId(), PeerId.fromEncodedPublicKey(bobKey));
        byte[] aliceKey = r.readMessage3(i.writeMessage3());
        assertEquals(alice.peerId(), PeerId.fromEncodedPublicKey(aliceKey));
        assertArrayEquals(i.handshakeHash(), r.handshakeHash());

        NoiseHandshake.Session si = i.split();
        NoiseHandshake.Session sr = r.split();
        byte[] msg = "hello".getBytes();
        for (int n = 0; n < 3; n++) {
            byte[] c = si.sender().encrypt(new byte[0], msg, 0, msg.length);
            assertEquals(msg.length + 16, c.length);
            assertArrayEquals(msg, sr.receiver().decrypt(new byte[0], c, 0, c.length));
            byte[] back = sr.sender().encrypt(new byte[0], msg, 0, msg.length);
            assertArrayEquals(msg, si.receiver().decrypt(new byte[0], back, 0, back.length));
        }
        byte[] c = si.sender().encrypt(new byte[0], msg, 0, msg.length);
        c[0] ^= 1;
        assertThrows(NoiseException.class, () -> sr.receiver().decrypt(new byte[0], c, 0, c.length));
    }

    @Test
    void tamperedOrTruncatedHandshakeMessagesFail() throws Exception {
        NoiseHandshake i = new NoiseHandshake(true, new NoiseHandshake.StaticIdentity(alice));
        NoiseHandshake r = new NoiseHandshake(false, new NoiseHandshake.StaticIdentity(bob));
        r.readMessage1(i.writeMessage1());
        byte[] m2 = r.writeMessage2();
        byte[] bad = m2.clone();
        bad[40] ^= 1;
        assertThrows(NoiseException.class, () -> i.readMessage2(bad));

        NoiseHandshake i2 = new NoiseHandshake(true, new NoiseHandshake.StaticIdentity(alice));
        i2.writeMessage1();
        assertThrows(NoiseException.class, () -> i2.readMessage2(new byte[50]));
        NoiseHandshake r2 = new NoiseHandshake(false, new NoiseHandshake.StaticIdentity(bob));
        assertThrows(NoiseException.class, () -> r2.readMessage1(new byte[10]));
    }

    @Test
    void transportHandlerSplitsLargeWritesIntoMaxSizeFramesAndRoundTrips() {
        NoiseHandshake i = new NoiseHandshake(true, new NoiseHandshake.StaticIdentity(alice));
        NoiseHandshake r = new NoiseHandshake(false, new NoiseHandshake.StaticIdentity(bob));
        try {
            r.readMessage1(i.writeMessage1());
            i.readMessage2(r.writeMessage2());
            r.readMessage3(i.writeMessage3());
        } catch (NoiseException e) {
            throw new AssertionError(e);
        }
        EmbeddedChannel sender = new EmbeddedChannel(new NoiseTransportHandler(i.split()));
        EmbeddedChannel receiver = new EmbeddedChannel(
                new io.netty.handler.codec.LengthFieldBasedFrameDecoder(65537, 0, 2, 0, 2),
                new NoiseTransportHandler(r.split()));
        byte[] big = new byte[200_000];
        new Random(3).nextBytes(big);
        sender.writeOutbound(Unpooled.wrappedBuffer(big));
        ByteBuf wire = Unpooled.buffer();
        int frames = 0;
        for (ByteBuf f; (f = sender.readOutbound()) != null; frames++) {
            int len = f.getUnsignedShort(0);
            assertEquals(len + 2, f.readableBytes());
            wire.writeBytes(f);
            f.release();
        }
        assertEquals(4, frames);
        receiver.writeInbound(wire);
        ByteBuf plain = Unpooled.buffer();
        for (ByteBuf p; (p = receiver.readInbound()) != null; ) {
            plain.writeBytes(p);
            p.release();
        }
        byte[] got = new byte[plain.readableBytes()];
        plain.readBytes(got);
        assertArrayEquals(big, got);
    }
}
