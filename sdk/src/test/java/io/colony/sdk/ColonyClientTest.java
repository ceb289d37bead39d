package io.colony.sdk;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.SpecCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against a real node (ledger, cli executor, HTTP API) in this JVM. */
class ColonyClientTest {

    @TempDir
    static Path dir;
    static TestColony colony;
    static ColonyClient client;
    /** An external executor: a key admitted with role executor (a user's key may not claim). */
    static ColonyClient executor;

    @BeforeAll
    static void start() {
        colony = TestColony.start(dir);
        client = colony.client;
        io.colony.protocol.Identity ex = io.colony.protocol.Identity.generate();
        ColonyClient.connect("127.0.0.1", colony.node.apiPort(), colony.dev.owner())
                .admit(ex.memberId(), io.colony.protocol.pb.Role.EXECUTOR, "ext");
        executor = ColonyClient.connect("127.0.0.1", colony.node.apiPort(), ex);
    }

    @AfterAll
    static void stop() {
        colony.close();
    }

    @Test
    void sayhelloSucceedsWithItsOutput() {
        ProcessView p = client.submit(SpecCodec.parse(
                "{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"echo\", \"args\": [\"sayhello\"]}"));
        assertEquals(ProcessState.WAITING, p.state());
        ProcessView done = client.waitFor(p.id(), Duration.ofSeconds(20));
        assertEquals(ProcessState.SUCCESS, done.state());
        assertEquals(List.of("sayhello"), done.output());
        assertEquals(1, done.attempt());
        await().atMost(Duration.ofSeconds(5)).until(() -> client.logs(p.id()).lines().equals(List.of("sayhello")));
    }

    @Test
    void failingCommandFailsWithItsExitStatus() {
        ProcessView p = client.submit(FunctionSpec.of("cli", "sh", "-c", "echo broken >&2; exit 4"));
        ProcessView done = client.waitFor(p.id(), Duration.ofSeconds(20));
        assertEquals(ProcessState.FAILED, done.state());
        assertTrue(done.errors().stream().anyMatch(e -> e.contains("status 4")), done.errors().toString());
    }

    @Test
    void maxExecTimeExceededIsRetriedThenFailed() {
        ProcessView p = client.submit(FunctionSpec.of("cli", "sleep", "30").withLimits(0, 1, 1));
        ProcessView done = client.waitFor(p.id(), Duration.ofSeconds(30));
        assertEquals(ProcessState.FAILED, done.state());
        assertEquals(2, done.attempt());
        assertTrue(done.errors().stream().allMatch(e -> e.contains("maxexectime")), done.errors().toString());
        assertEquals(2, done.errors().size(), done.errors().toString());
    }

    @Test
    void maxWaitTimeFailsAProcessNobodyRuns() {
        ProcessView p = client.submit(FunctionSpec.of("nobody-runs-this", "true").withLimits(1, 0, 0));
        ProcessView done = client.waitFor(p.id(), Duration.ofSeconds(20));
        assertEquals(ProcessState.FAILED, done.state());
        assertTrue(done.errors().get(0).contains("maxwaittime"), done.errors().toString());
        assertEquals(0, done.attempt());
    }

    @Test
    void aTypeNobodyRunsStaysWaiting() {
        ProcessView orphan = client.submit(FunctionSpec.of("gpu-cluster", "train"));
        ProcessView later = client.submit(FunctionSpec.of("cli", "true"));
        assertEquals(ProcessState.SUCCESS, client.waitFor(later.id(), Duration.ofSeconds(20)).state());
        assertEquals(ProcessState.WAITING, client.get(orphan.id()).state());
        assertTrue(client.list(ProcessState.WAITING, 1000).stream().anyMatch(v -> v.id().equals(orphan.id())));
    }

    @Test
    void externalExecutorGetsHigherPriorityFirstAndCloses() {
        String type = "ext-" + System.nanoTime();
        ProcessView low = client.submit(FunctionSpec.of(type, "low"));
        ProcessView high = client.submit(FunctionSpec.of(type, "high").withPriority(5));
        Assigned a = executor.assign(type, "ext-1", Duration.ofSeconds(5)).orElseThrow();
        assertEquals(high.id(), a.id());
        assertEquals(1, a.attempt());
        assertEquals(ProcessState.RUNNING, client.get(a.id()).state());
        executor.renew(a, Duration.ofSeconds(5));
        executor.addLog(a, 0, List.of("working"));
        ProcessView closed = executor.close(a, true, List.of("42"), List.of());
        assertEquals(ProcessState.SUCCESS, closed.state());
        assertEquals(List.of("42"), closed.output());
        assertEquals(List.of("working"), client.logs(a.id()).lines());
        Assigned b = executor.assign(type, "ext-1", Duration.ofSeconds(5)).orElseThrow();
        assertEquals(low.id(), b.id());
        executor.close(b, false, List.of(), List.of("no luck"));
        assertEquals(ProcessState.FAILED, client.get(low.id()).state());
        assertEquals(List.of("no luck"), client.get(low.id()).errors());
    }

    @Test
    void assignLongPollWaitsForWorkAndTimesOut() throws Exception {
        String type = "poll-" + System.nanoTime();
        assertEquals(Optional.empty(), executor.assign(type, "e", Duration.ofMillis(300)));
        var later = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> executor.assign(type, "e", Duration.ofSeconds(10)));
        ProcessView p = client.submit(FunctionSpec.of(type, "x"));
        Assigned a = later.get(15, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
        assertEquals(p.id(), a.id());
    }

    @Test
    void closingSomeoneElsesAttemptConflicts() {
        String type = "race-" + System.nanoTime();
        ProcessView p = client.submit(FunctionSpec.of(type, "x"));
        Assigned a = executor.assign(type, "e", Duration.ofSeconds(5)).orElseThrow();
        Assigned stale = new Assigned(a.process(), a.attempt() + 1, a.leaseUntilMs());
        ColonyException e = assertThrows(ColonyException.class, () -> executor.close(stale, true, List.of(), List.of()));
        assertEquals(409, e.status());
        assertEquals(ProcessState.RUNNING, client.get(p.id()).state());
    }

    @Test
    void unknownProcessIsNotFound() {
        ColonyException e = assertThrows(ColonyException.NotFoundException.class,
                () -> client.get("00".repeat(32)));
        assertEquals(404, e.status());
    }

    @Test
    void nodeInfoNamesTheColony() {
        NodeInfo info = client.nodeInfo();
        assertEquals(colony.dev.colonyId(), info.colony());
        assertEquals(List.of("cli"), info.executorTypes());
        assertTrue(client.healthy());
        assertFalse(ColonyClient.connect("127.0.0.1", 1, null).healthy());
    }
}
