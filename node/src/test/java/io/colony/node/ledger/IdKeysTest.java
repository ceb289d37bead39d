package io.colony.node.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.colony.protocol.Hex;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hex-prefix matching on ids agrees with the hex text, at every length. */
class IdKeysTest {

    @Test
    void prefixMatchingAgreesWithTheHexText() {
        Random random = new Random(7);
        for (int n = 0; n < 200; n++) {
            byte[] id = new byte[32];
            random.nextBytes(id);
            String hex = Hex.encode(id);
            IdKey k = IdKey.of(id);
            for (int len = 0; len <= 64; len++) {
                String prefix = hex.substring(0, len);
                assertEquals(true, IdKeys.startsWith(k, prefix), prefix);
                if (len > 0) {
                    char c = prefix.charAt(len - 1);
                    String other = prefix.substring(0, len - 1) + (c == '0' ? '1' : '0');
                    assertEquals(false, IdKeys.startsWith(k, other), other);
                }
            }
        }
    }
}
