package io.colony.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestSignatureTest {

    private static final byte[] SEED = filled(32, (byte) 1);
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final String GOLDEN = "cc6ac90ff394f08382e12dabe233c6c03e0bf4a3118a18db0fd26e3432fb4760"
            + "f2c164c3187c19bdfef9262031521bc0a9f017ecb64f2e237d6950c2803dcf03";

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    @Test
    void goldenVectorMatchesTheSharedContract() {
        Identity id = Identity.fromSeed(SEED);
        assertEquals("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c", id.memberId());
        assertEquals("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
                Hex.encode(RequestSignature.sha256(BODY)));
        assertEquals("colony-request-v1\nPOST\n/api/v1/processes?limit=10\n1700000000000\n"
                        + "00112233445566778899aabbccddeeff\n015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
                RequestSignature.canonical("post", "/api/v1/processes?limit=10", 1700000000000L,
                        "00112233445566778899aabbccddeeff", BODY));
        assertEquals(GOLDEN, RequestSignature.sign(id, "POST", "/api/v1/processes?limit=10", 1700000000000L,
                "00112233445566778899aabbccddeeff", BODY));
        Map<String, String> h = RequestSignature.headers(id, "POST", "/api/v1/processes?limit=10", BODY,
                1700000000000L, "00112233445566778899aabbccddeeff");
        assertEquals(GOLDEN, h.get(RequestSignature.SIGNATURE));
        assertEquals(id.memberId(), h.get(RequestSignature.KEY));
    }

    @Test
    void verifyRefusesAnotherPathBodyOrTime() {
        Identity id = Identity.fromSeed(SEED);
        byte[] sig = Hex.decode(GOLDEN, 64, "signature");
        String nonce = "00112233445566778899aabbccddeeff";
        assertTrue(RequestSignature.verify(id.publicKey(), sig, "POST", "/api/v1/processes?limit=10", 1700000000000L,
                nonce, BODY));
        assertFalse(RequestSignature.verify(id.publicKey(), sig, "POST", "/api/v1/processes?limit=11", 1700000000000L,
                nonce, BODY));
        assertFalse(RequestSignature.verify(id.publicKey(), sig, "POST", "/api/v1/processes?limit=10", 1700000000001L,
                nonce, BODY));
        assertFalse(RequestSignature.verify(id.publicKey(), sig, "POST", "/api/v1/processes?limit=10", 1700000000000L,
                nonce, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(RequestSignature.verify(id.publicKey(), sig, "GET", "/api/v1/processes?limit=10", 1700000000000L,
                nonce, BODY));
    }
}
