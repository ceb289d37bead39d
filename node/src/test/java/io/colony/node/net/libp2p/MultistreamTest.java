package io.colony.node.net.libp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MultistreamTest {

    private static final byte[] HEADER = HexFormat.of().parseHex("132f6d756c746973747265616d2f312e302e300a"); // "\x13/multistream/1.0.0\n"

    private static byte[] msgs(String... m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : m) {
            out.writeBytes(Multistream.encode(s));
        }
        return out.toByteArray();
    }

    @Test
    void encodingMatchesTheSpec() {
        assertArrayEquals(HEADER, Multistream.encode("/multistream/1.0.0"));
        assertArrayEquals("\u0007/noise\n".getBytes(StandardCharsets.US_ASCII), Multistream.encode("/noise"));
        assertArrayEquals("\u0003na\n".getBytes(StandardCharsets.US_ASCII), Multistream.encode("na"));
    }

    @Test
    void dialerSendsHeaderAndProposalAndAcceptsTheEcho() throws Exception {
        Multistream d = Multistream.dialer("/noise");
        assertArrayEquals(msgs("/multistream/1.0.0", "/noise"), d.initialOutput());
        Multistream.Step s = d.onInput(msgs("/multistream/1.0.0"));
        assertFalse(s.done());
        byte[] both = msgs("/noise");
        byte[] withTail = new byte[both.length + 3];
        System.arraycopy(both, 0, withTail, 0, both.length);
        withTail[both.length] = 1;
        s = d.onInput(withTail);
        assertEquals("/noise", s.selected());
        assertArrayEquals(new byte[] {1, 0, 0}, s.leftover());
    }

    @Test
    void dialerFailsOnNa() throws Exception {
        Multistream d = Multistream.dialer("/yamux/1.0.0");
        Multistream.NegotiationException e = assertThrows(Multistream.NegotiationException.class,
                () -> d.onInput(msgs("/multistream/1.0.0", "na")));
        assertTrue(e.getMessage().contains("does not support"));
    }

    @Test
    void listenerHandlesSeveralMessagesInOneReadByteByByteAndUnknownProtocols() throws Exception {
        Multistream l = Multistream.listener(Set.of("/yamux/1.0.0")::contains);
        assertArrayEquals(HEADER, l.initialOutput());
        byte[] in = msgs("/multistream/1.0.0", "ls", "/mplex/6.7.0", "/yamux/1.0.0");
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        Multistream.Step last = null;
        for (byte b : in) {
            last = l.onInput(new byte[] {b});
            replies.writeBytes(last.output());
        }
        assertEquals("/yamux/1.0.0", last.selected());
        assertArrayEquals(msgs("na", "na", "/yamux/1.0.0"), replies.toByteArray());

        Multistream l2 = Multistream.listener(Set.of("/yamux/1.0.0")::contains);
        Multistream.Step s = l2.onInput(msgs("/multistream/1.0.0", "/x", "/yamux/1.0.0"));
        assertArrayEquals(msgs("na", "/yamux/1.0.0"), s.output());
        assertEquals(0, s.leftover().length);
    }

    @Test
    void malformedInputIsRejected() throws Exception {
        assertThrows(Multistream.NegotiationException.class,
                () -> Multistream.listener(p -> true).onInput(msgs("/multistream/2.0.0")));
        assertThrows(Multistream.NegotiationException.class,
                () -> Multistream.listener(p -> true).onInput(new byte[] {3, 'a', 'b', 'c'}));
        assertThrows(Multistream.NegotiationException.class,
                () -> Multistream.listener(p -> true).onInput(new byte[] {0}));
        assertThrows(Multistream.NegotiationException.class,
                () -> Multistream.listener(p -> true).onInput(new byte[] {(byte) 0x81, 0x10}));
        assertThrows(Multistream.NegotiationException.class,
                () -> Multistream.listener(p -> true).onInput(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        assertThrows(IllegalArgumentException.class, () -> Multistream.dialer("bad\nid"));
        Multistream l = Multistream.listener(p -> true);
        assertNull(l.onInput(new byte[] {0x13, '/'}).selected());
    }
}
