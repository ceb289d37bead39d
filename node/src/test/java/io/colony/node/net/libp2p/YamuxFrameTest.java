package io.colony.node.net.libp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class YamuxFrameTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void headerLayoutMatchesTheSpec() {
        ByteBuf h = YamuxFrame.header(ByteBufAllocator.DEFAULT, YamuxFrame.WINDOW_UPDATE, YamuxFrame.SYN, 1, 0);
        assertEquals("000100010000000100000000", ByteBufUtil.hexDump(h));
        h.release();
        h = YamuxFrame.header(ByteBufAllocator.DEFAULT, YamuxFrame.PING, YamuxFrame.ACK, 0, 0xDEADBEEFL);
        assertEquals("0002000200000000deadbeef", ByteBufUtil.hexDump(h));
        h.release();
        h = YamuxFrame.header(ByteBufAllocator.DEFAULT, YamuxFrame.GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
        assertEquals("000300000000000000000001", ByteBufUtil.hexDump(h));
        h.release();
    }

    @Test
    void decoderSplitsFramesAcrossArbitraryChunks() {
        EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrame.Decoder(1024));
        byte[] wire = HEX.parseHex("000000050000000200000003616263" + "000200010000000000000007" + "00010004000000020000000a");
        for (byte b : wire) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        YamuxFrame data = ch.readInbound();
        assertEquals(YamuxFrame.DATA, data.type());
        assertTrue(data.has(YamuxFrame.SYN) && data.has(YamuxFrame.FIN) && !data.has(YamuxFrame.ACK));
        assertEquals(2, data.streamId());
        assertEquals("abc", data.data().toString(java.nio.charset.StandardCharsets.US_ASCII));
        data.data().release();
        YamuxFrame ping = ch.readInbound();
        assertEquals(YamuxFrame.PING, ping.type());
        assertEquals(7, ping.length());
        YamuxFrame wu = ch.readInbound();
        assertEquals(YamuxFrame.WINDOW_UPDATE, wu.type());
        assertEquals(10, wu.length());
        assertTrue(wu.has(YamuxFrame.FIN));
        assertFalse(ch.finish());
    }

    @Test
    void oversizedOrUnknownFramesAreRejected() {
        EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrame.Decoder(1024));
        assertThrows(DecoderException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("000000000000000100000401"))));
        EmbeddedChannel ch2 = new EmbeddedChannel(new YamuxFrame.Decoder(1024));
        assertThrows(DecoderException.class, () -> ch2.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("010000000000000100000001"))));
        EmbeddedChannel ch3 = new EmbeddedChannel(new YamuxFrame.Decoder(1024));
        assertThrows(DecoderException.class, () -> ch3.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex("000400000000000100000001"))));
    }
}
