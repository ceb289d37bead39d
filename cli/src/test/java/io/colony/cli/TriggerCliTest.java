package io.colony.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.colony.protocol.Identity;
import io.colony.protocol.ProcessState;
import io.colony.protocol.ProcessView;
import io.colony.protocol.pb.Role;
import io.colony.sdk.ColonyClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code colony cron ...} and {@code colony generator ...} against a dev node, as a user types them. */
class TriggerCliTest extends DevNodeCliTest {

    private static List<ProcessView> runsOf(String marker) {
        return node.list(null, 1000).join().stream().filter(p -> p.spec().args().contains(marker)).toList();
    }

    @Test
    void aCronRunsEverySecondUntilRemoved() throws Exception {
        Path spec = file("""
                {"conditions": {"executortype": "cli"}, "funcname": "echo", "args": ["cron-tick"]}""");
        Result add = client("cron", "add", "--spec", spec.toString(), "--cron", "* * * * * *", "--name", "ticker");
        assertEquals(0, add.status(), add.err());
        String id = add.out().strip();
        assertEquals(64, id.length(), add.out());
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf("cron-tick").stream()
                .filter(p -> p.state() == ProcessState.SUCCESS).count() >= 3);

        Result list = client("cron", "list");
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(id) && l.contains("ticker") && l.contains("active")),
                list.out());
        Result get = client("cron", "get", id, "--json");
        JsonNode cron = JSON.readTree(get.out());
        assertEquals("* * * * * *", cron.get("schedule").asText());
        assertTrue(cron.get("runs").asInt() >= 3, get.out());

        // someone else may not remove it
        Identity other = Identity.generate();
        ColonyClient owner = ColonyClient.connect("127.0.0.1", node.apiPort(), dev.owner());
        owner.admit(other.memberId(), Role.USER, "other");
        Result denied = as(other, "cron", "remove", id);
        assertEquals(Main.EXIT_ERROR, denied.status());
        oneErrorLine(denied);
        assertTrue(denied.err().contains("only the creator"), denied.err());

        Result removed = client("cron", "remove", id);
        assertEquals(0, removed.status(), removed.err());
        assertEquals("removed cron " + id, removed.out().strip());
        int after = runsOf("cron-tick").size();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10))
                .until(() -> runsOf("cron-tick").size() <= after + 1); // at most a tick in flight
        assertTrue(client("cron", "list").out().contains("none"));
        assertTrue(client("cron", "list", "--all").out().contains("removed"));
        Result again = client("cron", "remove", id);
        oneErrorLine(again);
        assertTrue(again.err().contains("was removed"), again.err());
    }

    @Test
    void aGeneratorSubmitsItsWorkflowWhenFullOrOnTimeout() throws Exception {
        Path wf = file("""
                {"functionspecs": [
                  {"nodename": "collect", "funcname": "echo", "args": ["gen-batch"], "conditions": {"executortype": "cli"}},
                  {"nodename": "report", "funcname": "echo", "args": ["gen-done"],
                   "conditions": {"executortype": "cli", "dependencies": ["collect"]}}
                ]}""");
        Result add = client("generator", "add", "--spec", wf.toString(), "--trigger", "2", "--timeout", "2s");
        assertEquals(0, add.status(), add.err());
        String id = add.out().strip();
        assertEquals("1 of 2 packed", client("generator", "pack", id, "--arg", "a").out().strip());
        client("generator", "pack", id, "--arg", "b");
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf("gen-batch").stream()
                .anyMatch(p -> p.spec().args().equals(List.of("gen-batch", "a", "b")) && p.state() == ProcessState.SUCCESS));
        // one pack alone goes after the timeout
        client("generator", "pack", id, "--arg", "c");
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf("gen-batch").stream()
                .anyMatch(p -> p.spec().args().equals(List.of("gen-batch", "c")) && p.state() == ProcessState.SUCCESS));
        await().atMost(Duration.ofSeconds(30)).until(() -> runsOf("gen-done").stream()
                .filter(p -> p.state() == ProcessState.SUCCESS).count() == 2);
        Result get = client("generator", "get", id);
        assertTrue(get.out().contains("Runs:     2"), get.out());
        assertTrue(get.out().contains("Packed:   0 waiting"), get.out());
        assertTrue(client("generator", "list").out().contains(id));
        assertEquals(0, client("generator", "remove", id).status());
        Result late = client("generator", "pack", id, "--arg", "d");
        oneErrorLine(late);
        assertTrue(late.err().contains("was removed"), late.err());
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path spec = file("""
                {"conditions": {"executortype": "cli"}, "funcname": "echo"}""");
        Result bad = client("cron", "add", "--spec", spec.toString(), "--cron", "every minute");
        assertEquals(Main.EXIT_USAGE, bad.status()); // a bad option value is a usage error
        oneErrorLine(bad);
        assertTrue(bad.err().contains("cron expression"), bad.err());
        Result missing = client("cron", "add", "--spec", dir.resolve("nope.json").toString(), "--cron", "* * * * *");
        oneErrorLine(missing);
        Result unknown = client("generator", "pack", "ab".repeat(32), "--arg", "x");
        oneErrorLine(unknown);
        assertTrue(unknown.err().contains("no generator"), unknown.err());
        Result badId = client("cron", "get", "xyz");
        oneErrorLine(badId);
        Result zero = client("generator", "add", "--spec", spec.toString(), "--trigger", "0");
        oneErrorLine(zero);
        assertTrue(zero.err().contains("trigger"), zero.err());
        Result help = client("cron", "--help");
        assertTrue(help.out().contains("add") && help.out().contains("remove"), help.out());
    }
}
