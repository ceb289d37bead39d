package io.colony.sdk;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.colony.protocol.FunctionSpec;
import io.colony.protocol.Identity;
import io.colony.protocol.InvalidSpecException;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.SpecCodec;
import io.colony.protocol.WorkflowView;
import io.colony.protocol.pb.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflows, state subscriptions (server-sent events), cancellation and live logs against a real node. */
class WorkflowAndEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestColony colony;
    static ColonyClient client;

    @BeforeAll
    static void start() {
        colony = TestColony.start(dir);
        client = colony.client;
    }

    @AfterAll
    static void stop() {
        colony.close();
    }

    private static FunctionSpec sh(String name, String script, String... deps) {
        return FunctionSpec.of("cli", "sh", "-c", script).inWorkflow(name, List.of(deps));
    }

    @Test
    void aWorkflowRunsInDependencyOrderAndHandsParentsOutputsToTheChild() {
        String json = """
                {"functionspecs": [
                  {"nodename": "hello", "funcname": "echo", "args": ["hello"], "conditions": {"executortype": "cli"}},
                  {"nodename": "world", "funcname": "echo", "args": ["world"], "conditions": {"executortype": "cli"}},
                  {"nodename": "join", "funcname": "sh", "args": ["-c", "echo \\"$COLONY_IN\\""],
                   "conditions": {"executortype": "cli", "dependencies": ["hello", "world"]}}
                ]}""";
        WorkflowView w = client.submitWorkflow(SpecCodec.parseWorkflow(json));
        assertEquals(3, w.processes().size());
        assertEquals(ProcessState.WAITING, w.process("join").state());
        WorkflowView done = client.waitForWorkflow(w.id(), WAIT);
        assertEquals(ProcessState.SUCCESS, done.state());
        assertEquals(List.of("[\"hello\",\"world\"]"), done.process("join").output());
        assertTrue(done.process("join").startedMs() >= done.process("hello").endedMs());
        assertEquals(w.id(), done.process("join").workflowId());
    }

    @Test
    void aFailedStepFailsItsDescendantsAndTheWorkflow() {
        WorkflowView w = client.submitWorkflow(List.of(sh("a", "exit 3"), sh("b", "echo b", "a"),
                sh("c", "echo c", "b"), sh("side", "echo side")));
        WorkflowView done = client.waitForWorkflow(w.id(), WAIT);
        assertEquals(ProcessState.FAILED, done.state());
        assertEquals(ProcessState.FAILED, done.process("c").state());
        assertEquals(0, done.process("c").attempt());
        assertEquals(ProcessState.SUCCESS, done.process("side").state());
        assertTrue(done.process("c").errors().get(0).startsWith("dependency"), done.process("c").errors().toString());
    }

    @Test
    void cyclesAndUnknownParentsAreRejectedBeforeSubmitting() {
        assertThrows(InvalidSpecException.class, () -> client.submitWorkflow(List.of(sh("a", "true", "b"),
                sh("b", "true", "a"))));
        assertThrows(InvalidSpecException.class, () -> client.submitWorkflow(List.of(sh("a", "true", "ghost"))));
    }

    @Test
    void aSubscriberHearsEveryStateInOrder() {
        ProcessView p = client.submit(FunctionSpec.of("cli", "sh", "-c", "sleep 1; echo done"));
        List<StateEvent> events = new ArrayList<>();
        client.watch(p.id(), WAIT, events::add);
        List<ProcessState> states = events.stream().map(StateEvent::state).distinct().toList();
        assertEquals(ProcessState.SUCCESS, states.get(states.size() - 1));
        assertTrue(states.contains(ProcessState.RUNNING) || events.get(0).state() == ProcessState.SUCCESS,
                states.toString());
        assertEquals(1, events.get(events.size() - 1).attempt());
        // subscribing to a finished process ends at once with its final state
        List<StateEvent> again = new ArrayList<>();
        client.watch(p.id(), WAIT, again::add);
        assertEquals(List.of(ProcessState.SUCCESS), again.stream().map(StateEvent::state).toList());
    }

    @Test
    void eventStreamsAreServerSentEventsAndBadRequestsGetOneLine() throws Exception {
        ProcessView p = client.submit(FunctionSpec.of("cli", "true"));
        client.waitFor(p.id(), WAIT);
        HttpClient http = HttpClient.newHttpClient();
        String base = client.base() + "/api/v1/processes/";
        HttpResponse<String> ok = http.send(signedGet(base + p.id() + "/events"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertTrue(ok.body().startsWith("event: state\ndata: {\"id\":\"" + p.id()), ok.body());
        assertTrue(ok.body().contains("event: end\n"), ok.body());
        HttpResponse<String> unknown = http.send(signedGet(base + "0".repeat(64) + "/events"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());
        HttpResponse<String> badTimeout = http.send(signedGet(base + p.id() + "/events?timeout=0"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badTimeout.statusCode());
        assertThrows(ColonyException.NotFoundException.class, () -> client.watch("ab".repeat(32), WAIT, e -> { }));
    }

    private HttpRequest signedGet(String url) {
        URI uri = URI.create(url);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        io.colony.protocol.RequestSignature.headers(colony.dev.user(), "GET", uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), null).forEach(b::header);
        return b.build();
    }

    @Test
    void aShortSubscriptionTimesOutWithoutError() {
        ProcessView p = client.submit(FunctionSpec.of("nobody-runs-this", "true"));
        ColonyException e = assertThrows(ColonyException.class, () -> client.waitFor(p.id(), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        client.cancel(p.id(), "test over");
    }

    @Test
    void cancellingARunningProcessKillsItAndAWaitingOneIsNeverClaimed() {
        ProcessView running = client.submit(FunctionSpec.of("cli", "sh", "-c", "echo started; sleep 60"));
        await().atMost(WAIT).until(() -> client.logs(running.id()).lines().contains("started"));
        assertEquals(ProcessState.RUNNING, client.get(running.id()).state());
        ProcessView cancelled = client.cancel(running.id(), "changed my mind");
        assertEquals(ProcessState.FAILED, cancelled.state());
        assertTrue(cancelled.errors().contains("cancelled: changed my mind"), cancelled.errors().toString());
        await().atMost(WAIT).until(() -> ((Number) colony.node.info().join().get("running")).intValue() == 0);

        ProcessView waiting = client.submit(FunctionSpec.of("nobody-runs-this", "true"));
        client.cancel(waiting.id(), "no");
        ProcessView v = client.waitFor(waiting.id(), WAIT);
        assertEquals(ProcessState.FAILED, v.state());
        assertEquals(0, v.attempt());
    }

    @Test
    void onlyTheSubmitterOrTheOwnerMayCancel() {
        Identity other = Identity.generate();
        ColonyClient.connect("127.0.0.1", colony.node.apiPort(), colony.dev.owner())
                .admit(other.memberId(), Role.USER, "other");
        ColonyClient stranger = ColonyClient.connect("127.0.0.1", colony.node.apiPort(), other);
        ProcessView p = client.submit(FunctionSpec.of("nobody-runs-this", "true"));
        assertThrows(ColonyException.AccessDeniedException.class, () -> stranger.cancel(p.id(), "mine now"));
        assertEquals(ProcessState.WAITING, client.get(p.id()).state());
        ProcessView byOwner = ColonyClient.connect("127.0.0.1", colony.node.apiPort(), colony.dev.owner())
                .cancel(p.id(), "owner says so");
        assertEquals(ProcessState.FAILED, byOwner.state());
    }

    @Test
    void logsStreamWhileTheProcessRuns() {
        ProcessView p = client.submit(FunctionSpec.of("cli", "sh", "-c", "echo one; sleep 2; echo two"));
        await().atMost(WAIT).until(() -> client.logs(p.id()).lines().contains("one"));
        assertTrue(client.get(p.id()).state() == ProcessState.RUNNING || client.logs(p.id()).lines().contains("two"));
        client.waitFor(p.id(), WAIT);
        await().atMost(WAIT).until(() -> client.logs(p.id()).lines().equals(List.of("one", "two")));
    }
}
