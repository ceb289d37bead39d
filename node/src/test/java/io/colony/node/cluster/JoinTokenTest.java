package io.colony.node.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.Identity;
import io.colony.protocol.pb.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinTokenTest {

    private final Identity owner = Identity.generate();

    @Test
    void roundTrips() {
        JoinToken t = JoinToken.invite(owner, Role.NODE, "edge-1", 1_000, 0, List.of("/ip4/127.0.0.1/tcp/4001/p2p/x"));
        JoinToken back = JoinToken.decode(t.encode());
        assertArrayEquals(owner.publicKey(), back.colony());
        assertEquals(t.member().memberId(), back.member().memberId());
        assertEquals(List.of("/ip4/127.0.0.1/tcp/4001/p2p/x"), back.bootstrap());
        assertTrue(back.encode().startsWith(JoinToken.PREFIX));
    }

    @Test
    void rejectsGarbageWithReadableErrors() {
        assertEquals("not a join token (it starts with colony-join-v1:)",
                assertThrows(IllegalArgumentException.class, () -> JoinToken.decode("hello")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> JoinToken.decode(JoinToken.PREFIX + "!!!"));
        String good = JoinToken.invite(owner, Role.NODE, "n", 1, 0, List.of()).encode();
        String truncated = good.substring(0, good.length() - 20);
        assertThrows(IllegalArgumentException.class, () -> JoinToken.decode(truncated));
    }

    @Test
    void rejectsAnAdmissionSignedBySomeoneElse() {
        JoinToken real = JoinToken.invite(owner, Role.NODE, "n", 1, 0, List.of());
        Identity other = Identity.generate();
        JoinToken forged = new JoinToken(other.publicKey(), real.member(), real.admit(), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JoinToken.decode(forged.encode()));
        assertTrue(e.getMessage().contains("not signed by the colony owner"), e.getMessage());
    }
}
