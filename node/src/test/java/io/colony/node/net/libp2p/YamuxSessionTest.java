package io.colony.node.net.libp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Yamux session behaviour on an embedded channel: flow control, buffers, limits, lifecycle. */
class YamuxSessionTest {

    private static final int WINDOW = HostConfig.DEFAULT_YAMUX_WINDOW;

    private final List<byte[]> received = new ArrayList<>();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger remoteClosed = new AtomicInteger();
    private EmbeddedChannel ch;

    private final StreamHandler recorder = new StreamHandler() {
        @Override
        public void onData(P2pStream stream, byte[] data) {
            received.add(data);
        }

        @Override
        public void onRemoteClose(P2pStream stream) {
            remoteClosed.incrementAndGet();
        }

        @Override
        public void onClosed(P2pStream stream) {
            closed.incrementAndGet();
        }
    };

    @BeforeEach
    void setUp() {
        HostConfig cfg = HostConfig.builder(Ed25519KeyPair.generate()).maxStreamsPerConnection(2)
                .maxStreamBufferedBytes(600 * 1024).maxConnectionBufferedBytes(700 * 1024).build();
        YamuxSession session = new YamuxSession(cfg, true, Ed25519KeyPair.generate().peerId(), s -> recorder);
        ch = new EmbeddedChannel(new YamuxFrame.Decoder(WINDOW), session);
        this.session = session;
    }

    private YamuxSession session;

    private void inbound(int type, int flags, int id, long length, byte[] payload) {
        ch.writeInbound(Unpooled.wrappedBuffer(RawClient.yamux(type, flags, id, length, payload)));
    }

    /** Reads the frames written so far as {type, flags, id, length} (data skipped). */
    private List<long[]> outbound() {
        List<long[]> out = new ArrayList<>();
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        while (all.readableBytes() >= 12) {
            all.skipBytes(1);
            int type = all.readUnsignedByte();
            int flags = all.readUnsignedShort();
            int id = all.readInt();
            long len = all.readUnsignedInt();
            if (type == YamuxFrame.DATA) {
                all.skipBytes((int) len);
            }
            out.add(new long[] {type, flags, id, len});
        }
        return out;
    }

    private static long dataBytes(List<long[]> frames) {
        return frames.stream().filter(f -> f[0] == YamuxFrame.DATA).mapToLong(f -> f[3]).sum();
    }

    @Test
    void sendingHonoursTheRemoteWindowAndBuffersAreBounded() {
        YamuxStream s = session.openStream(recorder).join();
        List<long[]> syn = outbound();
        assertEquals(List.of((long) YamuxFrame.WINDOW_UPDATE, (long) YamuxFrame.SYN, 1L, 0L),
                List.of(syn.get(0)[0], syn.get(0)[1], syn.get(0)[2], syn.get(0)[3]));
        CompletableFuture<Void> w = s.write(new byte[300 * 1024]);
        assertEquals(WINDOW, dataBytes(outbound()));
        assertFalse(w.isDone());
        assertTrue(s.write(new byte[600 * 1024]).isCompletedExceptionally(), "stream buffer bound");
        YamuxStream s2 = session.openStream(recorder).join();
        outbound();
        assertFalse(s2.write(new byte[500 * 1024]).isDone());
        assertFalse(s2.write(new byte[300 * 1024]).isDone());
        assertEquals(WINDOW, dataBytes(outbound()));
        // 44 KiB + 544 KiB queued: 200 KiB more fits stream 1's bound but not the connection's
        assertTrue(s.write(new byte[200 * 1024]).isCompletedExceptionally(), "connection buffer bound");
        inbound(YamuxFrame.WINDOW_UPDATE, 0, 1, 100 * 1024, new byte[0]);
        assertEquals(44 * 1024, dataBytes(outbound()));
        assertTrue(w.isDone() && !w.isCompletedExceptionally());
    }

    @Test
    void receivingGrantsWindowUpdatesAndAnswersPings() {
        inbound(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 2, 0, new byte[0]);
        List<long[]> ack = outbound();
        assertEquals(YamuxFrame.ACK, ack.get(0)[1]);
        assertEquals(2, ack.get(0)[2]);
        inbound(YamuxFrame.DATA, 0, 2, 100 * 1024, new byte[100 * 1024]);
        assertTrue(outbound().isEmpty(), "no update before half the window is used");
        inbound(YamuxFrame.DATA, 0, 2, 100 * 1024, new byte[100 * 1024]);
        List<long[]> update = outbound();
        assertEquals(1, update.size());
        assertEquals(YamuxFrame.WINDOW_UPDATE, update.get(0)[0]);
        assertEquals(200 * 1024, update.get(0)[3]);
        assertEquals(2, received.size());

        inbound(YamuxFrame.PING, YamuxFrame.SYN, 0, 77, new byte[0]);
        long[] pong = outbound().get(0);
        assertEquals(List.of((long) YamuxFrame.PING, (long) YamuxFrame.ACK, 0L, 77L), List.of(pong[0], pong[1], pong[2], pong[3]));
    }

    @Test
    void dataBeyondTheWindowIsAProtocolError() {
        inbound(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 2, 0, new byte[0]);
        // the remote ignores that we have not granted more and keeps sending
        for (int i = 0; i < 3; i++) {
            inbound(YamuxFrame.DATA, 0, 2, 100 * 1024, new byte[100 * 1024]);
        }
        assertTrue(ch.isOpen(), "updates were granted after half the window, so 300 KiB fit");
        inbound(YamuxFrame.DATA, 0, 2, 0, new byte[0]);
        EmbeddedChannel c = ch;
        byte[] big = new byte[WINDOW];
        inbound(YamuxFrame.DATA, 0, 2, big.length, big);
        List<long[]> frames = outbound();
        assertTrue(frames.stream().anyMatch(f -> f[0] == YamuxFrame.GO_AWAY && f[3] == YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
        c.runPendingTasks();
        assertFalse(c.isOpen());
        assertEquals(1, closed.get());
    }

    @Test
    void streamLimitLifecycleAndResets() {
        inbound(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 2, 0, new byte[0]);
        inbound(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 4, 0, new byte[0]);
        inbound(YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 6, 0, new byte[0]);
        List<long[]> frames = outbound();
        assertTrue(frames.stream().anyMatch(f -> f[2] == 6 && f[1] == YamuxFrame.RST), "third stream refused");
        assertEquals(2, session.streamCount());

        // remote FIN then our FIN closes stream 2 once
        inbound(YamuxFrame.DATA, YamuxFrame.FIN, 2, 0, new byte[0]);
        assertEquals(1, remoteClosed.get());
        assertEquals(0, closed.get());
        // a RST closes stream 4
        inbound(YamuxFrame.WINDOW_UPDATE, YamuxFrame.RST, 4, 0, new byte[0]);
        assertEquals(1, closed.get());
        assertEquals(1, session.streamCount());
        ch.close();
        assertEquals(2, closed.get());
        assertNull(ch.readInbound());
        assertNotNull(session);
    }
}
