package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.colony.protocol.Identity;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.pb.Role;
import io.colony.sdk.Assigned;
import io.colony.sdk.ColonyClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code colony executor ls} against a dev node: its built-in executor and an external one polling it. */
class ExecutorCliTest extends DevNodeCliTest {

    @Test
    void executorLsShowsBuiltInAndExternalExecutors() throws Exception {
        Identity ext = Identity.generate();
        ColonyClient.connect("127.0.0.1", node.apiPort(), dev.owner()).admit(ext.memberId(), Role.EXECUTOR, "ext");
        ColonyClient executor = ColonyClient.connect("127.0.0.1", node.apiPort(), ext);
        ColonyClient.connect("127.0.0.1", node.apiPort(), dev.user()).submit(SpecCodec.parse(
                "{\"conditions\": {\"executortype\": \"seismic\", \"gpu\": 1}, \"funcname\": \"preprocess\"}"));
        Assigned a = executor.assign("seismic", "warm-1", Duration.ofSeconds(5), "4", "8Gi", "1").orElseThrow();

        Result ls = client("executor", "ls");
        assertEquals(0, ls.status(), ls.err());
        String line = ls.out().lines().filter(l -> l.contains("warm-1")).findFirst().orElseThrow(() ->
                new AssertionError(ls.out()));
        assertTrue(line.contains("external") && line.contains("seismic") && line.contains("cpu 4 mem 8Gi gpu 1")
                && line.matches(".*\\s1\\s.*"), line);
        assertTrue(ls.out().lines().anyMatch(l -> l.contains("built-in") && l.contains("cli")), ls.out());

        Result json = client("executor", "ls", "--json");
        assertEquals(0, json.status(), json.err());
        JsonNode all = JSON.readTree(json.out());
        assertTrue(all.isArray() && all.size() >= 2, json.out());
        executor.close(a, true, java.util.List.of(), java.util.List.of());
    }
}
