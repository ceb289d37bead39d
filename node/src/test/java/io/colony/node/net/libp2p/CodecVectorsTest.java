package io.colony.node.net.libp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Varint, base58, peer id and multiaddr codecs against published / js-libp2p-produced vectors. */
class CodecVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    // peer-ids spec test vector (Ed25519): private key data = seed || public key
    private static final String SPEC_SEED = "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d";
    private static final String SPEC_PUBLIC_PB = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    private static final String SPEC_PEER = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
    private static final String SPEC_PEER_CID = "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6";

    @Test
    void varintVectors() {
        long[] values = {0, 1, 127, 128, 255, 300, 16384, (1L << 63) - 1};
        String[] hex = {"00", "01", "7f", "8001", "ff01", "ac02", "808001", "ffffffffffffffff7f"};
        for (int i = 0; i < values.length; i++) {
            assertEquals(hex[i], HEX.formatHex(Varint.encode(values[i])));
            byte[] enc = HEX.parseHex(hex[i]);
            assertEquals(new Varint.Decoded(values[i], enc.length), Varint.decode(enc, 0, enc.length));
            assertEquals(enc.length, Varint.size(values[i]));
        }
        assertNull(Varint.decode(HEX.parseHex("8080"), 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Varint.decode(HEX.parseHex("8000"), 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Varint.decode(HEX.parseHex("ffffffffffffffffff01"), 0, 10));
        assertThrows(IllegalArgumentException.class, () -> Varint.encode(-1));
    }

    @Test
    void base58Vectors() {
        assertEquals("2NEpo7TZRRrLZSi2U", Base58.encode("Hello World!".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("11233QC4", Base58.encode(HEX.parseHex("0000287fb4cd")));
        assertEquals("", Base58.encode(new byte[0]));
        assertEquals("1", Base58.encode(new byte[1]));
        assertArrayEquals(HEX.parseHex("0000287fb4cd"), Base58.decode("11233QC4"));
        assertThrows(IllegalArgumentException.class, () -> Base58.decode("0OIl"));
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = 0;
            }
            assertArrayEquals(b, Base58.decode(Base58.encode(b)));
        }
    }

    @Test
    void peerIdFromSpecVector() {
        Ed25519KeyPair key = Ed25519KeyPair.fromSeed(HEX.parseHex(SPEC_SEED));
        assertEquals(SPEC_PUBLIC_PB, HEX.formatHex(PeerId.encodeEd25519PublicKey(key.publicKey())));
        assertEquals(SPEC_PEER, key.peerId().toString());
        assertEquals(SPEC_PEER_CID, key.peerId().toCid());
        assertEquals(key.peerId(), PeerId.parse(SPEC_PEER));
        assertEquals(key.peerId(), PeerId.parse(SPEC_PEER_CID));
        assertArrayEquals(key.publicKey(), PeerId.parse(SPEC_PEER).ed25519PublicKey().orElseThrow());
        assertTrue(key.peerId().matches(HEX.parseHex(SPEC_PUBLIC_PB)));
    }

    @Test
    void legacySha256PeerIdParsesInBothForms() {
        PeerId legacy = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertEquals(legacy, PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe"));
        assertEquals("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", legacy.toCid());
        assertTrue(legacy.ed25519PublicKey().isEmpty());
    }

    @Test
    void badPeerIdsGiveOneLineErrors() {
        for (String bad : new String[] {"", "12D3KooW", "bafyfoo", "Qm0000", "xyz", "z1111"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerId.parse(bad));
            assertTrue(e.getMessage().startsWith("not a peer id"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
        }
    }

    @Test
    void signAndVerify() {
        Ed25519KeyPair k = Ed25519KeyPair.generate();
        byte[] msg = "colony".getBytes(StandardCharsets.UTF_8);
        byte[] sig = k.sign(msg);
        assertTrue(Ed25519KeyPair.verify(k.publicKey(), msg, sig));
        sig[0] ^= 1;
        assertTrue(!Ed25519KeyPair.verify(k.publicKey(), msg, sig));
        assertTrue(!Ed25519KeyPair.verify(new byte[31], msg, sig));
        assertEquals(k.peerId(), Ed25519KeyPair.fromSeed(k.seed()).peerId());
    }

    @Test
    void multiaddrVectorsFromJsLibp2p() {
        String[][] vectors = {
            {"/ip4/127.0.0.1/tcp/4001", "047f000001060fa1"},
            {"/ip6/::1/tcp/4001", "2900000000000000000000000000000001060fa1"},
            {"/dns4/example.com/tcp/80", "360b6578616d706c652e636f6d060050"},
            {"/ip4/1.2.3.4/tcp/5/p2p/" + SPEC_PEER, "0401020304060005a503260024" + SPEC_PUBLIC_PB},
        };
        for (String[] v : vectors) {
            Multiaddr m = Multiaddr.parse(v[0]);
            assertEquals(v[1], HEX.formatHex(m.toBytes()), v[0]);
            assertEquals(m, Multiaddr.fromBytes(HEX.parseHex(v[1])));
            assertEquals(m, Multiaddr.parse(m.toString()));
        }
        Multiaddr withPeer = Multiaddr.parse("/ip4/1.2.3.4/tcp/5/p2p/" + SPEC_PEER);
        assertEquals(PeerId.parse(SPEC_PEER), withPeer.peerId().orElseThrow());
        assertEquals(Multiaddr.parse("/ip4/1.2.3.4/tcp/5"), withPeer.withoutPeerId());
        assertEquals(withPeer, Multiaddr.parse("/ip4/1.2.3.4/tcp/5/ipfs/" + SPEC_PEER_CID));
        assertEquals(5, withPeer.toSocketAddress().getPort());
        assertEquals("example.com", Multiaddr.parse("/dns4/example.com/tcp/80").toSocketAddress().getHostString());
        assertEquals("/ip6/0:0:0:0:0:0:0:1/tcp/4001", Multiaddr.parse("/ip6/::1/tcp/4001").toString());
    }

    @Test
    void badMultiaddrsAreRejected() {
        for (String bad : new String[] {"", "ip4/1.2.3.4", "/ip4/1.2.3", "/ip4/1.2.3.4/tcp/70000", "/udp/1",
                "/ip4/1.2.3.4/tcp", "/ip6/zz::1", "/ip4/example.com", "/p2p/nope"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Multiaddr.parse(bad), bad);
            assertTrue(!e.getMessage().contains("\n"));
        }
        for (String bad : new String[] {"04", "047f0000", "047f000001060f", "a503", "a50326", "ffffffffffffffffff01", "9102"}) {
            assertThrows(IllegalArgumentException.class, () -> Multiaddr.fromBytes(HEX.parseHex(bad)), bad);
        }
    }
}
