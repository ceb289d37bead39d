package io.colony.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.SpecCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External executors offer resources when they ask for work: they are offered only processes whose
 * conditions they meet, their claim carries the offer (so the fold accepts it), and {@code GET
 * /executors} lists them with what they offer, beside the node's built-in executor.
 */
class ExecutorOffersTest {

    @TempDir
    static Path dir;
    static TestColony colony;
    /** An external executor: a key admitted with the executor role (it submits its own test processes too). */
    static ColonyClient client;
    static io.colony.protocol.Identity exec;

    @BeforeAll
    static void start() {
        colony = TestColony.start(dir);
        exec = io.colony.protocol.Identity.generate();
        ColonyClient.connect("127.0.0.1", colony.node.apiPort(), colony.dev.owner())
                .admit(exec.memberId(), io.colony.protocol.pb.Role.EXECUTOR, "offers");
        client = ColonyClient.connect("127.0.0.1", colony.node.apiPort(), exec);
    }

    @AfterAll
    static void stop() {
        colony.close();
    }

    private static ProcessView needsGpu(String type) {
        return colony.client.submit(SpecCodec.parse("{\"conditions\": {\"executortype\": \"" + type + "\", \"cpu\": \"2\","
                + " \"memory\": \"1Gi\", \"gpu\": \"1\"}, \"funcname\": \"train\"}"));
    }

    @Test
    void anExecutorOfferingNothingIsNotOfferedAProcessThatNeedsResources() {
        String type = "gpu-" + System.nanoTime();
        ProcessView p = needsGpu(type);
        assertEquals(Optional.empty(), client.assign(type, "small", Duration.ofMillis(300)));
        assertEquals(Optional.empty(), client.assign(type, "small", Duration.ofMillis(300), "8", "16Gi", null),
                "no gpu offered");
        assertEquals(ProcessState.WAITING, client.get(p.id()).state());
    }

    @Test
    void anExecutorOfferingEnoughTakesItAndItsClaimCounts() {
        String type = "gpu-" + System.nanoTime();
        ProcessView p = needsGpu(type);
        Assigned a = client.assign(type, "big", Duration.ofSeconds(5), "4", "8Gi", "1").orElseThrow();
        assertEquals(p.id(), a.id());
        ProcessView running = client.get(p.id());
        assertEquals(ProcessState.RUNNING, running.state(), running.history().toString());
        assertEquals("big", running.executorName());
        assertEquals(ProcessState.SUCCESS, client.close(a, true, List.of("trained"), List.of()).state());
    }

    @Test
    void theExecutorListShowsExternalAndBuiltInExecutors() {
        String type = "listed-" + System.nanoTime();
        colony.client.submit(SpecCodec.parse("{\"conditions\": {\"executortype\": \"" + type + "\"}, \"funcname\": \"x\"}"));
        Assigned a = client.assign(type, "lister", Duration.ofSeconds(5), "2", "4Gi", "1").orElseThrow();
        List<Map<String, Object>> all = client.executors();
        Map<String, Object> ext = all.stream().filter(e -> "lister".equals(e.get("name"))).findFirst().orElseThrow();
        assertEquals(type, ext.get("type"));
        assertEquals("external", ext.get("kind"));
        assertEquals(exec.memberId(), ext.get("id"));
        assertEquals(colony.node.identity().memberId(), ext.get("node"));
        assertEquals(List.of(2000, 4096, 1, 1), List.of(ext.get("cpuMillis"), ext.get("memoryMb"), ext.get("gpus"),
                ext.get("running")));
        assertNull(ext.get("capacity"));
        assertTrue(System.currentTimeMillis() - ((Number) ext.get("lastSeenMs")).longValue() < 30_000, ext.toString());
        Map<String, Object> own = all.stream().filter(e -> "built-in".equals(e.get("kind"))).findFirst().orElseThrow();
        assertEquals("cli", own.get("type"));
        assertEquals(2, own.get("capacity"));
        assertEquals(colony.node.name(), own.get("name"));
        client.close(a, true, List.of(), List.of());
    }

    @Test
    void aMalformedOfferIsABadRequestNamingTheField() {
        ColonyException e = assertThrows(ColonyException.BadRequestException.class,
                () -> client.assign("t", "e", Duration.ZERO, "lots", null, null));
        assertEquals("cpu", e.field());
        assertTrue(e.getMessage().contains("offered cpu"), e.getMessage());
    }
}
