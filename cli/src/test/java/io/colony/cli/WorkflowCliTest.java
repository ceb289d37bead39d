package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code colony workflow}, {@code colony process cancel} and {@code colony log follow} against a dev node. */
class WorkflowCliTest extends DevNodeCliTest {

    @Test
    void workflowSubmitWaitShowsTheGraphAndGetShowsItAgain() throws Exception {
        Path f = file("""
                {"functionspecs": [
                  {"nodename": "fetch", "funcname": "echo", "args": ["data"], "conditions": {"executortype": "cli"}},
                  {"nodename": "count", "funcname": "sh", "args": ["-c", "echo \\"got $COLONY_IN\\""],
                   "conditions": {"executortype": "cli", "dependencies": ["fetch"]}}
                ]}""");
        Result r = client("workflow", "submit", "--spec", f.toString(), "--wait", "--timeout", "60");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("State:     SUCCESS"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("count") && l.contains("SUCCESS") && l.contains("fetch")),
                r.out());
        String id = r.out().lines().findFirst().orElseThrow().substring("Workflow:  ".length()).strip();

        Result json = client("workflow", "get", id, "--json");
        assertEquals(0, json.status(), json.err());
        JsonNode w = JSON.readTree(json.out());
        assertEquals("SUCCESS", w.get("state").asText());
        assertEquals("got [\"data\"]", w.get("processes").get(1).get("output").get(0).asText());
    }

    @Test
    void aFailingStepMakesWaitExitOne() throws Exception {
        Path f = file("""
                {"functionspecs": [
                  {"nodename": "a", "funcname": "false", "conditions": {"executortype": "cli"}},
                  {"nodename": "b", "funcname": "true", "conditions": {"executortype": "cli", "dependencies": ["a"]}}
                ]}""");
        Result r = client("workflow", "submit", "--spec", f.toString(), "--wait", "--timeout", "60");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("State:     FAILED"), r.out());
        oneErrorLine(r);
    }

    @Test
    void badWorkflowsGetOneErrorLine() throws Exception {
        Path cycle = file("""
                {"functionspecs": [
                  {"nodename": "a", "funcname": "true", "conditions": {"executortype": "cli", "dependencies": ["b"]}},
                  {"nodename": "b", "funcname": "true", "conditions": {"executortype": "cli", "dependencies": ["a"]}}
                ]}""");
        Result r = client("workflow", "submit", "--spec", cycle.toString());
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("cycle"), r.err());
        Path unknown = file("""
                {"functionspecs": [
                  {"nodename": "a", "funcname": "true", "conditions": {"executortype": "cli", "dependencies": ["zz"]}}
                ]}""");
        r = client("workflow", "submit", "--spec", unknown.toString());
        oneErrorLine(r);
        assertTrue(r.err().contains("'zz'"), r.err());
        r = client("workflow", "get", "ab".repeat(32));
        assertEquals(1, r.status());
        oneErrorLine(r);
    }

    @Test
    void cancelStopsAWaitingProcess() throws Exception {
        Path f = file("{\"conditions\": {\"executortype\": \"nobody\"}, \"funcname\": \"true\"}");
        Result sub = client("process", "submit", "--spec", f.toString());
        String id = sub.out().strip();
        Result r = client("process", "cancel", id, "--reason", "not today");
        assertEquals(0, r.status(), r.err());
        assertEquals(id + " FAILED\n", r.out());
        Result wait = client("process", "wait", id, "--timeout", "30");
        assertEquals(1, wait.status());
        assertTrue(wait.err().contains("cancelled: not today"), wait.err());
        Result again = client("process", "cancel", id);
        assertEquals(1, again.status());
        oneErrorLine(again);
    }

    @Test
    void logFollowPrintsLinesUntilTheProcessEnds() throws Exception {
        Path f = file("{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"sh\", "
                + "\"args\": [\"-c\", \"echo first; sleep 1; echo second; echo third\"]}");
        String id = client("process", "submit", "--spec", f.toString()).out().strip();
        Result r = client("log", "follow", id, "--interval-ms", "100");
        assertEquals(0, r.status(), r.err());
        assertEquals("first\nsecond\nthird\n", r.out());
    }
}
