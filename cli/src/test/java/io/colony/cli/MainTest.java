package io.colony.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.colony.node.DevColony;
import io.colony.protocol.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code colony} command run in-process against a dev node in this JVM. */
class MainTest extends DevNodeCliTest {

    static Path spec(String json) throws Exception {
        return file(json);
    }

    @Test
    void submitWaitPrintsOutputAndExitsZeroOnSuccess() throws Exception {
        Path f = spec("{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"echo\", \"args\": [\"sayhello\"]}");
        Result r = client("process", "submit", "--spec", f.toString(), "--wait");
        assertEquals(0, r.status(), r.err());
        assertEquals("sayhello\n", r.out());
    }

    @Test
    void submitWaitExitsOneOnFailure() throws Exception {
        Path f = spec("{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"false\"}");
        Result r = client("process", "submit", "--spec", f.toString(), "--wait");
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("FAILED"), r.err());
    }

    @Test
    void readCommandsPrintJson() throws Exception {
        Path f = spec("{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"echo\", \"args\": [\"json\"]}");
        Result submitted = client("process", "submit", "--spec", f.toString());
        assertEquals(0, submitted.status(), submitted.err());
        String id = submitted.out().strip();
        assertEquals(0, client("process", "wait", id).status());
        JsonNode p = JSON.readTree(client("process", "get", id, "--json").out());
        assertEquals("SUCCESS", p.get("state").asText());
        assertEquals("json", p.get("output").get(0).asText());
        JsonNode ps = JSON.readTree(client("process", "ps", "--state", "success", "--json").out());
        assertTrue(ps.isArray() && ps.size() >= 1);
        JsonNode logs = JSON.readTree(client("log", "get", id, "--json").out());
        assertEquals("json", logs.get("lines").get(0).asText());
        JsonNode info = JSON.readTree(client("node", "info", "--json").out());
        assertEquals(dev.colonyId(), info.get("colony").asText());
        assertTrue(client("process", "get", id).out().contains("SUCCESS"));
        assertTrue(client("process", "ps").out().contains(id));
        assertTrue(client("log", "get", id).out().contains("json"));
        assertTrue(client("node", "info").out().contains(dev.colonyId()));
        JsonNode status = JSON.readTree(client("node", "status", "--json").out());
        assertTrue(status.get("ledgerProcesses").asLong() >= 1, status.toString());
        assertTrue(client("node", "status").out().contains("Ledger:"));
    }

    @Test
    void badSpecFileIsOneClearLine() throws Exception {
        Result r = client("process", "submit", "--spec", spec("{\"funcname\": \"echo\"}").toString());
        assertEquals(1, r.status());
        oneErrorLine(r);
        assertTrue(r.err().contains("conditions.executortype"), r.err());
        Result notJson = client("process", "submit", "--spec", spec("{oops").toString());
        assertEquals(1, notJson.status());
        oneErrorLine(notJson);
        Result missing = client("process", "submit", "--spec", dir.resolve("nope.json").toString());
        assertEquals(1, missing.status());
        oneErrorLine(missing);
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void usageErrorsExitTwo() {
        Result r = colony("process", "submit");
        assertEquals(2, r.status());
        oneErrorLine(r);
        assertEquals(2, colony("frobnicate").status());
        assertEquals(2, colony().status());
        assertEquals(2, client("process", "ps", "--state", "bogus").status());
    }

    @Test
    void unreachableNodeAndMissingKeyAreOneLine() throws Exception {
        Path f = spec("{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"true\"}");
        Result noNode = colony("process", "ps", "--host", "127.0.0.1", "--port", "1", "--key", dev.user().privateKeyHex());
        assertEquals(1, noNode.status());
        oneErrorLine(noNode);
        assertTrue(noNode.err().contains("cannot reach"), noNode.err());
        Result noKey = colony("process", "submit", "--spec", f.toString(), "--port", Integer.toString(node.apiPort()));
        if (System.getenv("COLONY_PRVKEY") == null) {
            assertEquals(1, noKey.status());
            oneErrorLine(noKey);
        }
        Result unknown = client("process", "get", "ab".repeat(32));
        assertEquals(1, unknown.status());
        oneErrorLine(unknown);
    }

    @Test
    void keyGenerate() throws Exception {
        Result r = colony("key", "generate");
        assertEquals(0, r.status());
        String[] lines = r.out().strip().split("\n");
        String prv = lines[1].replace("PrvKey:", "").strip();
        assertEquals(Identity.parse(prv).memberId(), lines[0].replace("Id:", "").strip());
        JsonNode j = JSON.readTree(colony("key", "generate", "--json").out());
        assertEquals(64, j.get("prvkey").asText().length());
        Path file = dir.resolve("my.key");
        assertEquals(0, colony("key", "generate", "--out", file.toString()).status());
        Identity.parse(Files.readString(file));
    }

    @Test
    void ownerAdmitsAMemberWhoMaySubmitThen() throws Exception {
        Identity newcomer = Identity.generate();
        Path f = spec("{\"conditions\": {\"executortype\": \"cli\"}, \"funcname\": \"true\"}");
        String port = Integer.toString(node.apiPort());
        Result refused = colony("process", "submit", "--spec", f.toString(), "--port", port, "--key", newcomer.privateKeyHex());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("not a member"), refused.err());
        Result notOwner = client("member", "add", "--id", newcomer.memberId());
        assertEquals(1, notOwner.status());
        oneErrorLine(notOwner);
        Result added = colony("member", "add", "--id", newcomer.memberId(), "--role", "user", "--port", port,
                "--key", dev.dir().resolve(DevColony.OWNER_KEY).toString());
        assertEquals(0, added.status(), added.err());
        assertEquals(0, colony("process", "submit", "--spec", f.toString(), "--port", port, "--key",
                newcomer.privateKeyHex()).status());
    }

    @Test
    void helpAndVersion() {
        Result help = colony("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("process") && help.out().contains("dev"), help.out());
        Result sub = colony("process", "submit", "--help");
        assertTrue(sub.out().contains("--spec") && sub.out().contains("--wait"), sub.out());
        assertTrue(colony("--version").out().startsWith("colony "));
    }
}
